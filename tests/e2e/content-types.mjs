// The Content-Type of each chart format, as the contract (../shared/API.md)
// and src/spec/format.rs give it: one table for the e2e tests and the load run.
export const CONTENT_TYPES = {
  png: 'image/png',
  svg: 'image/svg+xml',
  csv: 'text/csv; charset=utf-8; header=present',
  json: 'application/json',
};
