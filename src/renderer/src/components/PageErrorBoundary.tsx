/**
 * A page that fails to draw (a render error) says so in place of its content, with the reason and a
 * way to try again; the navigation and the workspace bar stay usable. Never a blank window.
 */
import { Component, type ErrorInfo, type ReactNode } from 'react';

interface Props {
  /** The page's name, for the message. */
  title: string;
  children: ReactNode;
}

interface State {
  error: Error | null;
}

export class PageErrorBoundary extends Component<Props, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: unknown): State {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error(`The ${this.props.title} page failed to draw`, error, info.componentStack);
  }

  override render(): ReactNode {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <div className="card" role="alert" data-testid="page-error">
        <h1>{this.props.title}</h1>
        <p className="error">
          This page failed to draw: {error.message}. Nothing was changed; the other pages still work.
        </p>
        <button className="btn secondary" type="button" onClick={() => this.setState({ error: null })}>
          Try again
        </button>
      </div>
    );
  }
}
