// The globals the pages define for tests: window.procboxHeadless and window.__procbox.
import type {} from '../../src/headless';
import type {} from '../../src/test-hooks';
