export * from './projection';
export { NotCompilable, SelectionCompiler } from './compiler';
export type { CompiledObject } from './compiler';
export { compileConnection } from './connection';
export type { CompiledConnection } from './connection';
export { compiledReadsPlugin } from './executor';
export type { CompiledReadsOptions, RootField, RootRead, RootReader } from './executor';
export { RawJson, stringifyResult } from './raw-json';
