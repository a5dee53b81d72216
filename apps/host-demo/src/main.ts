// The host application: its own login, then two pages embedding the console, one per way
// (/iframe/* and /qiankun/*). The part of the URL after the page prefix is the console's path.
import { hostApi } from './host-api';
import { mountIframePage, type IframePage } from './iframe-page';
import { mountQiankunPage, type QiankunPage } from './qiankun-page';
import './style.css';

const page = document.querySelector<HTMLElement>('#page')!;
const nav = document.querySelector<HTMLElement>('#nav')!;
const who = document.querySelector<HTMLElement>('#who')!;
const logoutButton = document.querySelector<HTMLButtonElement>('#logout')!;
const themeButton = document.querySelector<HTMLButtonElement>('#theme')!;

let consoleUrl = '';
let theme: 'light' | 'dark' = 'light';
let current: { kind: 'iframe'; page: IframePage } | { kind: 'qiankun'; page: QiankunPage } | { kind: 'other' } = { kind: 'other' };

async function render(): Promise<void> {
  const me = await hostApi.me();
  nav.hidden = logoutButton.hidden = themeButton.hidden = !me;
  who.textContent = me ? me.username : '';
  const path = location.pathname;
  const kind = !me ? 'login' : path.startsWith('/iframe') ? 'iframe' : path.startsWith('/qiankun') ? 'qiankun' : 'home';
  // The qiankun console routes inside /qiankun itself; only leaving the page unmounts it.
  if (kind === current.kind) return;
  if (current.kind === 'iframe') current.page.dispose();
  if (current.kind === 'qiankun') await current.page.dispose();
  current = { kind: 'other' };

  if (kind === 'login') return renderLogin();
  if (kind === 'iframe') {
    current = { kind, page: mountIframePage(page, consoleUrl, path.slice('/iframe'.length) || '/clusters') };
  } else if (kind === 'qiankun') {
    current = { kind, page: mountQiankunPage(page, consoleUrl, theme) };
  } else {
    page.innerHTML = '<p>Pick how to open the console: in an iframe or as a qiankun micro-app.</p>';
  }
}

function renderLogin() {
  page.innerHTML = `
    <form class="host-login" data-test="host-login">
      <h2>Sign in to Acme Portal</h2>
      <label>User <input name="username" autocomplete="username" data-test="host-username" /></label>
      <label>Password <input name="password" type="password" autocomplete="current-password" data-test="host-password" /></label>
      <button type="submit" data-test="host-submit">Sign in</button>
      <p class="host-login__error" data-test="host-login-error"></p>
    </form>`;
  const form = page.querySelector('form')!;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    hostApi
      .login(String(data.get('username')), String(data.get('password')))
      .then(() => {
        if (location.pathname === '/' || location.pathname === '/login') history.pushState(null, '', '/iframe/clusters');
        current = { kind: 'other' };
        return render();
      })
      .catch((err: Error) => {
        page.querySelector('[data-test="host-login-error"]')!.textContent = err.message;
      });
  });
}

nav.addEventListener('click', (event) => {
  const link = (event.target as HTMLElement).closest('a');
  if (!link) return;
  event.preventDefault();
  history.pushState(null, '', link.getAttribute('href')!);
  void render();
});
window.addEventListener('popstate', () => void render());
logoutButton.addEventListener('click', () => {
  void hostApi.logout().then(() => {
    history.pushState(null, '', '/');
    return render();
  });
});
themeButton.addEventListener('click', () => {
  theme = theme === 'light' ? 'dark' : 'light';
  themeButton.textContent = theme === 'light' ? 'Dark theme' : 'Light theme';
  if (current.kind !== 'other') current.page.setTheme(theme);
});

void hostApi.config().then((config) => {
  consoleUrl = config.consoleUrl;
  return render();
});
