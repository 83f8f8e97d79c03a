export { ensureTestbedBinaries, binariesComplete, readBuildInfo, formatSeconds, type BuildInfo, type Progress } from './build.js';
export { testbedUp, testbedDown, testbedStatus, testbedStopMember, testbedStartMember, readTestbedState, DEFAULT_BASE_PORT, type TestbedState, type MemberStatus, type UpOptions } from './testbed.js';
export { memberTransport, memberServer, type MemberState } from './member.js';
export { testbedPaths, defaultStateDir } from './paths.js';
export { TESTBED_VERSIONS, testbedCacheKey } from './versions.js';
export { FAULT_LABEL } from './stages.js';
export { ensureHelm, runHelm, helmPaths, type HelmBuildInfo } from './helm.js';
