/** Test ids of the app's elements, shared by unit and browser tests. */
export const testIds = {
  noAccess: 'auditlens-no-access',
  overview: 'auditlens-overview',
  logTypeLink: (slug: string) => `auditlens-link-${slug}`,
  logTable: 'auditlens-log-table',
  exportButton: 'auditlens-export-button',
} as const;
