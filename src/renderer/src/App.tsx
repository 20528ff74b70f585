import { useEffect, useState } from 'react';
import { pages } from './pages';
import { subscribe } from './api';
import { WorkspaceBar } from './components/WorkspaceBar';
import { PageErrorBoundary } from './components/PageErrorBoundary';
import { NotificationToasts } from './components/NotificationToasts';

function pageFromHash(): string {
  const m = /(?:^|[#&])page=([a-z-]+)/.exec(location.hash);
  return m && pages.some((p) => p.id === m[1]) ? m[1] : pages[0].id;
}

export function App() {
  const [current, setCurrent] = useState(pageFromHash);
  useEffect(() => {
    const onHash = () => setCurrent(pageFromHash());
    window.addEventListener('hashchange', onHash);
    // A click on a desktop notification asks for a page (e.g. the alert that fired).
    const off = subscribe('ui.navigate', ({ page, fingerprint }) => {
      const params = new URLSearchParams(location.hash.slice(1));
      params.set('page', page);
      if (fingerprint) params.set('alert', fingerprint);
      location.hash = params.toString();
    });
    return () => {
      window.removeEventListener('hashchange', onHash);
      off();
    };
  }, []);
  const go = (id: string) => {
    // Keep the browser host's token (also in the fragment) while switching pages.
    const params = new URLSearchParams(location.hash.slice(1));
    params.set('page', id);
    history.replaceState(null, '', '#' + params.toString());
    setCurrent(id);
  };
  const page = pages.find((p) => p.id === current) ?? pages[0];
  const Page = page.component;
  return (
    <div className="app">
      <nav className="sidebar" aria-label="Main">
        <div className="brand">
          <span className="brand-mark">R.O.M.A.N.</span>
          <span className="brand-sub">Desktop</span>
        </div>
        {pages.map((p) => (
          <button
            key={p.id}
            className={p.id === current ? 'nav-item active' : 'nav-item'}
            aria-current={p.id === current ? 'page' : undefined}
            onClick={() => go(p.id)}
          >
            <span aria-hidden="true">{p.icon}</span> {p.title}
          </button>
        ))}
      </nav>
      <main className="content">
        <WorkspaceBar />
        {/* keyed by page: another page starts without the previous one's error */}
        <PageErrorBoundary key={page.id} title={page.title}>
          <Page />
        </PageErrorBoundary>
      </main>
      <NotificationToasts />
    </div>
  );
}
