/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** where the console is served, e.g. /k8s/ (build time; default /) */
  readonly VITE_BASE?: string;
  /** default API root when config.json does not say, e.g. /k8s-api (default /api) */
  readonly VITE_API_BASE?: string;
}
