// Types for the few Monaco internals src/intel/late-services.ts reaches (the package ships
// none for them).
declare module 'monaco-editor/platform/instantiation/common/extensions' {
  export function getSingletonServiceDescriptors(): [unknown, unknown][];
}
declare module 'monaco-editor/platform/instantiation/common/instantiation' {
  export const IInstantiationService: unknown;
}
declare module 'monaco-editor/editor/standalone/browser/standaloneServices' {
  export const StandaloneServices: { get(id: unknown): unknown };
}
