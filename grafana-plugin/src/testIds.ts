/** Test ids of the app's elements, shared by unit and browser tests. */
export const testIds = {
  noAccess: 'auditlens-no-access',
  overview: 'auditlens-overview',
  tile: (slug: string) => `auditlens-tile-${slug}`,
  filterBar: 'auditlens-filters',
  chart: 'auditlens-chart',
  logTable: 'auditlens-log-table',
  emptyState: 'auditlens-empty',
  eventDrawer: 'auditlens-event-drawer',
  exportButton: 'auditlens-export-button',
  exportDialog: 'auditlens-export-dialog',
  exportsPage: 'auditlens-exports',
  exportRow: (id: string) => `auditlens-export-${id}`,
  resendMail: (id: string) => `auditlens-export-resend-${id}`,
  appConfig: 'auditlens-app-config',
  connectionResult: 'auditlens-connection-result',
} as const;
