export {
  LOG_TYPES,
  LOG_TYPE_SLUGS,
  LOG_TYPE_TITLES,
  isLogType,
  logTypeFromSlug,
  ACCESS_ACTIONS,
  ACTIVITY_ACTIONS,
  PORTALS,
  OUTCOMES,
  EXPORT_ACTIVITY_CATEGORY,
} from './logTypes';
export type { LogType, AccessAction, ActivityAction, Portal, Outcome } from './logTypes';
export {
  ATTR,
  SERVICE_NAME_ATTR,
  eventNameFor,
  lokiFieldName,
  INDEX_LABELS,
  LOG_TYPE_LABEL,
  STRUCTURED_METADATA_FIELDS,
  LOKI_ADDED_METADATA,
  LOKI_DEFAULT_INDEXED_RESOURCE_ATTRIBUTES,
  AUDITLENS_INDEXED_RESOURCE_ATTRIBUTES,
} from './attributes';
export type { AttributeName } from './attributes';
export {
  PLUGIN_ID,
  readAction,
  EXPORT_ACTION,
  CORE_ACTIONS,
  PROXY_ROUTES,
  PROXY_ROUTE_TABLE,
  SECRET_HEADER,
  GRAFANA_USER_HEADER,
  GRAFANA_ID_TOKEN_HEADER,
} from './permissions';
export type { ProxyRouteSpec } from './permissions';
export { FILTER_FIELDS, TEXT_FILTER_KEY, STATS_SPLITS } from './filters';
export type { FilterField, StatsSplit } from './filters';
export { EXPORT_FORMATS, EXPORT_STATUSES, EXPORT_ACTIVE_STATUSES, FACET_MODES } from './api';
export type {
  AuditRow,
  LogsResponse,
  FacetsResponse,
  FacetMode,
  StatsResponse,
  ExportGrantResponse,
  ExportRequest,
  ExportFormat,
  ExportStatus,
  ExportJob,
  ExportListResponse,
  ApiError,
  ConnectionCheck,
} from './api';
export {
  FIELD_LABELS,
  LOG_TYPE_FIELD_LABELS,
  SUMMARY_LABELS,
  TIME_LABEL,
  VALUE_LABELS,
  fieldLabel,
  valueLabel,
  attributeOfLokiField,
} from './labels';
export { APP_JSON_DATA, APP_SECURE_JSON_DATA, APP_BASE_PATH, APP_PAGES, logTypePageUrl } from './app';
export {
  INTEGRITY_ATTR,
  INTEGRITY_FIELDS,
  CHECKPOINT_LOG_TYPE,
  CHECKPOINT_EVENT_NAME,
  CHAIN_ENCODING,
  CHECKPOINT_ENCODING,
  GENESIS_HASH,
  CHAINED_ATTRIBUTES,
  INTEGRITY_STATUSES,
  INTEGRITY_PROBLEM_KINDS,
  canonicalRecord,
  CanonicalRecordEncoder,
  canonicalCheckpoint,
  canonicalJson,
  chainedValue,
  utf8ByteLength,
} from './integrity';
export type {
  ChainedRecord,
  ByteLength,
  Utf8Writer,
  CheckpointStatement,
  IntegrityStatus,
  IntegrityProblemKind,
  IntegrityProblem,
  IntegrityChainSummary,
  IntegrityReport,
  ExportManifest,
  ExportIntegrityResponse,
  SigningKeyResponse,
} from './integrity';
