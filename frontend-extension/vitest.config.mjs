import { defineConfig } from 'vitest/config';

// The extension's own component and unit tests; the client package runs its own.
export default defineConfig({
  esbuild: { jsx: 'transform', jsxFactory: 'React.createElement', jsxFragment: 'React.Fragment' },
  test: {
    environment: 'jsdom',
    include: ['src/__tests__/**/*.spec.{ts,tsx}'],
    restoreMocks: true,
    setupFiles: ['src/__tests__/setup-dom.ts']
  }
});
