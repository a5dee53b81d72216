// Helpers to run and inspect the deployment files; the tests live in test/.
export { startNginx, preparePrefix, testConfig, renderTemplate, templateVariables, embedVariables, type NginxOptions, type NginxRun } from './nginx-harness';
export { repoRoot, nginxDir, deployDir, kubernetesDir, composeFile } from './repo-paths';
