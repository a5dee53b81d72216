// Whether the standalone entry should start in iframe mode: it is framed, or told so by `?embed=1`.
export function wantsIframeMode(win: Window = window): boolean {
  let framed: boolean;
  try {
    framed = win.top !== win;
  } catch {
    framed = true;
  }
  return framed || new URLSearchParams(win.location.search).get('embed') === '1';
}

/** A route path as the host sees it: without the `embed` flag. */
export function hostVisiblePath(fullPath: string): string {
  const [path, query = ''] = fullPath.split('?', 2) as [string, string?];
  const params = new URLSearchParams(query);
  params.delete('embed');
  const rest = params.toString();
  return rest ? `${path}?${rest}` : path;
}
