// The router modules Grafana 13 renders app pages with, as the harness imports them (webpack.harness.cjs resolves
// both from @grafana/ui 13, which depends on them; the app's own `react-router-dom` is v6). Only what the harness
// uses is typed: react-router-dom 5 ships no types, and react-router-dom-v5-compat is not installed where
// TypeScript looks (its peer `react-router-dom@4 || 5` clashes with the app's v6 at the root).

/** `react-router-dom` 5.3.4: Grafana's `Router` over its history, and the `Switch` of its routes. */
declare module 'react-router-dom-v5' {
  import type { ComponentType, ReactNode } from 'react';

  export const Router: ComponentType<{ history: unknown; children?: ReactNode }>;
  export const Switch: ComponentType<{ children?: ReactNode }>;
}

/** `react-router-dom-v5-compat` 6.x: v6 routing inside a v5 router (`CompatRouter`, `CompatRoute`). */
declare module 'react-router-dom-v5-compat' {
  import type { ReactNode } from 'react';

  export function CompatRouter(props: { children: ReactNode }): ReactNode;
  export function CompatRoute(props: { path: string; exact?: boolean; render: () => ReactNode }): ReactNode;
}
