// Imported first by entry.mjs, so it runs before the Worker's module is
// evaluated: the time the module's instantiation starts.
globalThis.__edgechartModuleStart = Date.now();
