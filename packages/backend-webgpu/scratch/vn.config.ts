import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';
const src = (p: string) => fileURLToPath(new URL(`../../${p}/src/index.ts`, import.meta.url));
export default defineConfig({ resolve: { alias: { '@tessera/core': src('core') } } });
