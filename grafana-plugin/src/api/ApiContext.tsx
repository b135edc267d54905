import React, { createContext, useContext, useMemo } from 'react';
import { AuditLensApi } from './client';

const ApiContext = createContext<AuditLensApi | null>(null);

/** Gives the pages one API client; tests and the browser harness pass their own. */
export function ApiProvider({
  api,
  children,
}: {
  api?: AuditLensApi;
  children: React.ReactNode;
}): React.JSX.Element {
  const value = useMemo(() => api ?? new AuditLensApi(), [api]);
  return <ApiContext.Provider value={value}>{children}</ApiContext.Provider>;
}

/** The API client of the surrounding {@link ApiProvider}. */
export function useApi(): AuditLensApi {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi outside ApiProvider');
  return api;
}
