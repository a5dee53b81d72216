// Pod logs and terminal for the console's pod pages. Both components are self-contained: they
// take apiBase, a token getter and the pod from props, use no globals, and clean up on unmount.
export { default as LogViewer } from './LogViewer.vue';
export { default as PodTerminal } from './PodTerminal.vue';
export { useLogStream, type LogStreamParams, type LogStreamState } from './use-log-stream';
export { useExecSession, type ExecParams, type ExecEnd, type ExecState } from './use-exec-session';
export { tokenProtocol, toWebSocketUrl, podPath } from './stream-url';
