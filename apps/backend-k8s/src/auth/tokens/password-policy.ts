// Minimum password strength, NIST SP 800-63B style: length over composition rules, and no
// password that is a well-known one, the user's own name, or one character repeated.

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 1024;

// The most used passwords of public breach lists that meet the length; a short list is enough to
// stop the guesses an online attacker tries first (throttling handles the rest).
const COMMON = new Set([
  '1234567890', '0123456789', '12345678910', '1q2w3e4r5t', 'qwertyuiop', 'password1!', 'password12',
  'password123', 'password1234', 'passw0rd123', 'iloveyou123', 'abcdefghij', 'qwerty1234', 'qwerty12345',
  'welcome123', 'letmein123', 'administrator', 'admin12345', 'admin123456', 'changeme123', 'kubernetes',
  'kubernetes1', 'kubernetes123', 'p@ssw0rd123', 'trustno1234', 'football123', 'baseball123', 'monkey1234',
]);

/** Why a password is too weak, or null when it is acceptable. */
export function passwordProblem(password: string, username?: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `a password needs at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > MAX_PASSWORD_LENGTH) return `a password may have at most ${MAX_PASSWORD_LENGTH} characters`;
  const lower = password.toLowerCase();
  if (new Set(password).size < 4) return 'a password needs at least 4 different characters';
  if (COMMON.has(lower)) return 'this password is one of the most common ones; choose another';
  if (username && username.length >= 3 && lower.includes(username.toLowerCase())) return 'a password must not contain the user name';
  return null;
}
