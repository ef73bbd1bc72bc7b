/** The person matcher: pure functions, no I/O (docs/persons.md). */
export * from './normalize';
export * from './weights';
export * from './compare';
export * from './blocking';
