import type { StorybookConfig } from '@storybook/react-vite';

/**
 * Storybook for the harness templates, tool surfaces and canvas states. Every story renders the real
 * components through the real hooks, fed by event streams recorded from a gateway (`recordings/`).
 * Builds offline: no telemetry, no update checks, no addons that fetch anything.
 */
const config: StorybookConfig = {
  stories: ['../src/**/*.stories.@(ts|tsx)'],
  addons: [],
  framework: { name: '@storybook/react-vite', options: {} },
  core: { disableTelemetry: true, disableWhatsNewNotifications: true, enableCrashReports: false },
  typescript: { reactDocgen: false },
  viteFinal: (viteConfig) => ({
    ...viteConfig,
    // The workspace packages are TypeScript sources; Node built-ins never reach the browser bundle.
    build: { ...viteConfig.build, chunkSizeWarningLimit: 4096 },
  }),
};

export default config;
