export * from './refs.js';
export * from './problem.js';
export * from './errors.js';
export * from './kube.js';
export * from './karmada.js';
export * from './fleet.js';
export * from './placement.js';
export * from './constants.js';
