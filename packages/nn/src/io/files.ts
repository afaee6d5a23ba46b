/** Small file helpers: atomic text writes (temporary file in the same folder, then rename). */
import { NnError } from '../errors.js';

type Fs = typeof import('node:fs/promises');

export async function nodeFs(where: string): Promise<{ fs: Fs; path: typeof import('node:path') }> {
  try {
    return { fs: await import('node:fs/promises'), path: await import('node:path') };
  } catch {
    throw new NnError(`${where}: needs a file system (Node.js); in a browser use readSafetensors / writeSafetensors on bytes`, 'ERR_NO_FS');
  }
}

export async function writeFileAtomic(file: string, data: string | Uint8Array, where: string): Promise<void> {
  const { fs, path } = await nodeFs(where);
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  try {
    await fs.writeFile(tmp, data);
    await fs.rename(tmp, file);
  } catch (e) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw new NnError(`${where}: could not write ${file}: ${(e as Error).message}`, 'ERR_IO');
  }
}

export async function readText(file: string, where: string): Promise<string> {
  const { fs } = await nodeFs(where);
  try {
    return await fs.readFile(file, 'utf8');
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new NnError(`${where}: cannot read ${file}${code === 'ENOENT' ? ' (no such file)' : `: ${(e as Error).message}`}`, code === 'ENOENT' ? 'ERR_NOT_FOUND' : 'ERR_IO');
  }
}

export async function exists(file: string): Promise<boolean> {
  const { fs } = await nodeFs('exists');
  return fs.stat(file).then(() => true, () => false);
}
