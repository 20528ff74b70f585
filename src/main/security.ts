/**
 * Security rules of the Electron shell, as pure functions (no electron import) so they are unit
 * tested under plain Node: who may call the API, which URLs may open outside the app, the CSP.
 */

export const APP_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
  "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * The origin the renderer is loaded from: the packaged file (file://…/out/renderer/index.html) or,
 * in development, the Vite dev server URL.
 */
export interface AppOrigin {
  /** Absolute file URL of the renderer's index.html (production). */
  indexFileUrl?: string;
  /** Dev server origin such as http://localhost:5173 (development only). */
  devServerOrigin?: string;
}

/** An IPC call is accepted only from our window's main frame, showing our own page. */
export function isTrustedSender(frameUrl: string | undefined, isMainFrame: boolean, app: AppOrigin): boolean {
  if (!isMainFrame || !frameUrl) return false;
  let url: URL;
  try {
    url = new URL(frameUrl);
  } catch {
    return false;
  }
  if (app.indexFileUrl && url.protocol === 'file:') {
    const expected = new URL(app.indexFileUrl);
    return url.pathname === expected.pathname;
  }
  if (app.devServerOrigin && (url.protocol === 'http:' || url.protocol === 'https:')) {
    return url.origin === new URL(app.devServerOrigin).origin;
  }
  return false;
}

/** Links may leave the app only towards the web, and only through the system browser. */
export function isAllowedExternalUrl(raw: string): boolean {
  try {
    const url = new URL(raw);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname.length > 0;
  } catch {
    return false;
  }
}
