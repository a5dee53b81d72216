// Toasts (success, error, ...) through the console's own <a-app>. ant-design-vue's static
// `message` renders into document.body with antd's default class prefix and puts its styles into
// document.head: under a qiankun host that is the host's page, where the host's antd styles apply
// to it, and it stays there after the console unmounts. The app context's message API renders in
// the console's popup container, with its class prefix and style container.
import { App, message as staticMessage } from 'ant-design-vue';
import type { MessageInstance } from 'ant-design-vue/es/message/interface';

export type Toast = Pick<MessageInstance, 'success' | 'error' | 'info' | 'warning'>;

/** Call in setup. Outside an <a-app> (a component tested on its own) the static API is used. */
export function useToast(): Toast {
  const { message } = App.useApp();
  return typeof message?.success === 'function' ? message : (staticMessage as unknown as Toast);
}
