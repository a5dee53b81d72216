// The few words the stream components show, in the console's two languages. Kept here so the
// components stay self-contained; the host passes `locale`.
const en = {
  container: 'Container',
  allContainers: 'all containers',
  previous: 'Previous',
  timestamps: 'Timestamps',
  wrap: 'Wrap',
  follow: 'Follow',
  search: 'Search',
  download: 'Download',
  clear: 'Clear',
  reconnect: 'Reconnect',
  shell: 'Shell',
  auto: 'auto (bash, then sh)',
  custom: 'custom…',
  connecting: 'Connecting…',
  streaming: 'Streaming',
  ended: 'Ended',
  lines: 'lines',
  matches: 'matches',
  copy: 'Copy',
  paste: 'Paste',
  exited: 'Session ended: exit code {code}',
  exitedUnknown: 'Session ended',
  closed: 'Disconnected',
};
export type StreamMessages = typeof en;

const zhCN: StreamMessages = {
  container: '容器',
  allContainers: '全部容器',
  previous: '上一个实例',
  timestamps: '时间戳',
  wrap: '自动换行',
  follow: '跟随',
  search: '搜索',
  download: '下载',
  clear: '清空',
  reconnect: '重新连接',
  shell: 'Shell',
  auto: '自动（先 bash，再 sh）',
  custom: '自定义…',
  connecting: '连接中…',
  streaming: '接收中',
  ended: '已结束',
  lines: '行',
  matches: '处匹配',
  copy: '复制',
  paste: '粘贴',
  exited: '会话已结束：退出码 {code}',
  exitedUnknown: '会话已结束',
  closed: '连接已断开',
};

export function streamMessages(locale?: string): StreamMessages {
  return locale?.toLowerCase().startsWith('zh') ? zhCN : en;
}
