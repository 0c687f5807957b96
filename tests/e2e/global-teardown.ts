/** After the suite: the CLI tests' daemon (bin/daemon.mjs) of the default cache folder ends,
 * rather than after its ten idle minutes. The tests with folders of their own stop theirs. */
import { cacheDir } from '../../bin/cli-cache.mjs';
import { stopDaemon } from '../../bin/cli-calls.mjs';

export default async function globalTeardown() {
  await stopDaemon(cacheDir());
}
