import { ATTR, lokiFieldName, type AttributeName } from './attributes';
import type { AccessAction, ActivityAction, LogType, Outcome, Portal } from './logTypes';

/**
 * What a person reads for each audit attribute, in every part that shows one (the app's table and event
 * drawer, the exported files' header rows). Raw Loki names (`user_name`) are for LogQL writers, not for help-desk admins.
 */
export const FIELD_LABELS: Readonly<Record<AttributeName, string>> = {
  [ATTR.logType]: 'Log type',
  [ATTR.eventId]: 'Event ID',
  [ATTR.category]: 'Category',
  [ATTR.action]: 'Action',
  [ATTR.outcome]: 'Outcome',
  [ATTR.targetType]: 'Target type',
  [ATTR.targetId]: 'Target ID',
  [ATTR.targetName]: 'Target',
  [ATTR.changes]: 'Changes',
  [ATTR.brand]: 'Brand',
  [ATTR.portal]: 'Portal',
  [ATTR.loginSource]: 'Login source',
  [ATTR.impersonatorId]: 'Impersonator ID',
  [ATTR.impersonatorName]: 'Impersonator',
  [ATTR.webhookName]: 'Webhook',
  [ATTR.integrationName]: 'Integration',
  [ATTR.integrationType]: 'Integration type',
  [ATTR.failureType]: 'Failure type',
  [ATTR.attempt]: 'Attempt',
  [ATTR.userId]: 'User ID',
  [ATTR.userName]: 'User',
  [ATTR.userEmail]: 'Email',
  [ATTR.userRoles]: 'Roles',
  [ATTR.clientAddress]: 'IP address',
  [ATTR.userAgent]: 'User agent',
  [ATTR.sessionId]: 'Session ID',
  [ATTR.urlFull]: 'URL',
  [ATTR.httpMethod]: 'Method',
  [ATTR.httpStatus]: 'HTTP status',
  [ATTR.errorType]: 'Error type',
  [ATTR.errorMessage]: 'Error',
};

/** Where a seed product names a field its own way on one log type's page ("Actor", not "User"). */
export const LOG_TYPE_FIELD_LABELS: Readonly<Record<LogType, Partial<Record<AttributeName, string>>>> = {
  activity: { [ATTR.userName]: 'Actor', [ATTR.clientAddress]: 'Where', [ATTR.action]: 'Action type' },
  access: { [ATTR.userName]: 'Username' },
  webhook_failure: {},
  integration_failure: { [ATTR.errorMessage]: 'Details' },
};

/**
 * What each log type calls its summary (the log line). Integration failures call their error message "Details"
 * (the seed's word, above), so their summary keeps the plain name: one word, one field.
 */
export const SUMMARY_LABELS: Readonly<Record<LogType, string>> = {
  activity: 'Action description',
  access: 'Summary',
  webhook_failure: 'Summary',
  integration_failure: 'Summary',
};

/** The event's time: the table's first column; an export's two time columns add the zone ("When (UTC)"). */
export const TIME_LABEL = 'When';

/**
 * What a person reads for the values of the attributes with a known set of values, in the table, the drawer and
 * the exported files (a filter and the Loki query keep the value itself). A value without a label here (a login
 * source a producer named its own way) is shown as it is ({@link valueLabel}).
 */
export const VALUE_LABELS: {
  readonly [ATTR.action]: Readonly<Record<AccessAction | ActivityAction, string>>;
  readonly [ATTR.outcome]: Readonly<Record<Outcome, string>>;
  readonly [ATTR.portal]: Readonly<Record<Portal, string>>;
  readonly [ATTR.loginSource]: Readonly<Record<string, string>>;
} = {
  [ATTR.action]: {
    login: 'Login',
    logout: 'Logout',
    login_failed: 'Failed login',
    impersonation_start: 'Impersonation started',
    impersonation_end: 'Impersonation ended',
    create: 'Create',
    update: 'Update',
    delete: 'Delete',
    export: 'Export',
  },
  [ATTR.outcome]: { success: 'Success', failure: 'Failure' },
  [ATTR.portal]: { agent: 'Agent', customer: 'Customer' },
  [ATTR.loginSource]: {
    form: 'Login form',
    google: 'Google',
    microsoft: 'Microsoft',
    apple: 'Apple',
    saml: 'SAML',
  },
};

/** What a person reads for `value` of `attribute`: its label in {@link VALUE_LABELS}, else the value as it is. */
export function valueLabel(attribute: AttributeName, value: string): string {
  const labels: Readonly<Record<string, string>> | undefined = (
    VALUE_LABELS as Partial<Record<AttributeName, Readonly<Record<string, string>>>>
  )[attribute];
  return labels !== undefined && Object.hasOwn(labels, value) ? labels[value]! : value;
}

/** The label of `attribute` on `logType`'s pages: the seed's own word where it has one, else FIELD_LABELS. */
export function fieldLabel(logType: LogType, attribute: AttributeName): string {
  return LOG_TYPE_FIELD_LABELS[logType][attribute] ?? FIELD_LABELS[attribute];
}

const BY_LOKI_NAME: ReadonlyMap<string, AttributeName> = new Map(
  (Object.values(ATTR) as AttributeName[]).map((a) => [lokiFieldName(a), a])
);

/** The attribute Loki stored as `lokiName` (`user_name` → `user.name`); undefined for Loki's own fields. */
export function attributeOfLokiField(lokiName: string): AttributeName | undefined {
  return BY_LOKI_NAME.get(lokiName);
}
