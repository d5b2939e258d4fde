// @vitest-environment happy-dom
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_BOARD_MANIFEST, DEMO_PLUGINS, demoRecording } from '../testing/fixtures.ts';
import { canvasReady } from '../testing/recordedEvent.ts';
import { cleanupRecorded, renderRecorded } from '../testing/renderRecorded.tsx';
import { JobControls } from './JobControls.tsx';
import { PluginInspector } from './PluginInspector.tsx';
import { ProgressBar } from './ProgressBar.tsx';

afterEach(cleanupRecorded);

function Console() {
  return (
    <>
      <JobControls />
      <ProgressBar />
      <PluginInspector />
    </>
  );
}

describe('JobControls, ProgressBar and PluginInspector', () => {
  it('[CONTRACT 9] a started job moves #progress-bar to 100 and its timings show in #plugin-inspector', async () => {
    const { session, container } = renderRecorded(<Console />, demoRecording());
    const toggle = (await screen.findByTestId('toggle-thumbnail')) as HTMLInputElement;
    await waitFor(() => expect(toggle.checked).toBe(true));
    const bar = container.querySelector('#progress-bar')!;
    expect(bar.getAttribute('role')).toBe('progressbar');
    expect(bar.getAttribute('aria-valuenow')).toBe('0');
    fireEvent.change(container.querySelector('#fps-slider')!, { target: { value: '24' } });
    fireEvent.click(screen.getByTestId('job-start'));
    await waitFor(() => expect(bar.getAttribute('aria-valuenow')).toBe('100'));
    const inspector = container.querySelector('#plugin-inspector') as HTMLElement;
    await waitFor(() => expect(within(inspector).getByTestId('plugin-timing-thumbnail').textContent).toMatch(/\d+ ms/));
    const sent = await session.api.getJob('job-1');
    expect(sent.ok && sent.value.status).toBe('succeeded');
  });

  it('[CONTRACT 9] asking for a GPU that is absent shows the CPU fallback', async () => {
    const { container } = renderRecorded(<Console />, demoRecording());
    await screen.findByTestId('toggle-thumbnail');
    fireEvent.change(container.querySelector('#device-selector')!, { target: { value: 'gpu' } });
    await waitFor(() => expect((screen.getByTestId('toggle-thumbnail') as HTMLInputElement).checked).toBe(true));
    fireEvent.click(screen.getByTestId('job-start'));
    expect((await screen.findByText(/instead of gpu/)).textContent).toContain('Ran on cpu');
  });

  it('[CONTRACT 9] a pipeline with an UNAVAILABLE plugin is refused with its reason', async () => {
    renderRecorded(<Console />, demoRecording());
    fireEvent.click(await screen.findByTestId('toggle-upscale'));
    fireEvent.click(screen.getByTestId('toggle-thumbnail'));
    fireEvent.click(screen.getByTestId('job-start'));
    const controls = screen.getByRole('region', { name: 'Job controls' });
    const alert = await within(controls).findByRole('alert');
    expect(alert.textContent).toContain('needs a GPU and none is present');
    expect(alert.textContent).toContain('(unavailable)');
    expect(screen.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('0');
  });

  it('[CONTRACT 9] the inspector lists states with reasons and opens timings and recent problems', async () => {
    const { container } = renderRecorded(<Console />, demoRecording());
    const inspector = container.querySelector('#plugin-inspector') as HTMLElement;
    await waitFor(() => expect(inspector.querySelectorAll('[data-plugin]')).toHaveLength(DEMO_PLUGINS.length));
    const upscale = inspector.querySelector('[data-plugin="upscale"]')!;
    expect(upscale.getAttribute('data-state')).toBe('UNAVAILABLE');
    expect(upscale.textContent).toContain('needs a GPU');
    fireEvent.click(within(inspector).getByRole('button', { name: /thumbnail/ }));
    expect((await within(inspector).findByRole('table')).textContent).toContain('render');
    expect(inspector.textContent).toContain('timed out after 5000 ms');
  });

  it('[CONTRACT 6] a role that may not run jobs can reach Start, which says why and starts nothing', async () => {
    const { session } = renderRecorded(<Console />, { ...demoRecording(), actor: { id: 'vic', roles: ['viewer'] } });
    const why = await screen.findByTestId('job-start-why');
    expect(why.textContent).toBe('Your role may not run jobs.');
    const start = screen.getByTestId('job-start') as HTMLButtonElement;
    expect(start.getAttribute('aria-disabled')).toBe('true');
    expect(start.disabled).toBe(false);
    expect(start.getAttribute('aria-describedby')).toBe(why.id);
    start.focus();
    expect(document.activeElement).toBe(start);
    await waitFor(() => expect((screen.getByTestId('toggle-thumbnail') as HTMLInputElement).checked).toBe(true));
    fireEvent.click(start);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(screen.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('0');
    expect((await session.api.getJob('job-1')).ok).toBe(false);
  });

  it('[CONTRACT 6] a role that may not run jobs sees the job settings read-only, described by the reason Start gives', async () => {
    const { container } = renderRecorded(<Console />, { ...demoRecording(), actor: { id: 'vic', roles: ['viewer'] } });
    const why = await screen.findByTestId('job-start-why');
    const toggle = screen.getByTestId('toggle-thumbnail') as HTMLInputElement;
    await waitFor(() => expect(toggle.checked).toBe(true));
    const device = container.querySelector('#device-selector') as HTMLSelectElement;
    const fps = container.querySelector('#fps-slider') as HTMLInputElement;
    for (const setting of [device, toggle, fps]) {
      expect(setting.getAttribute('aria-disabled')).toBe('true');
      expect(setting.getAttribute('aria-describedby')).toBe(why.id);
      // Still there and reachable: a keyboard user hears why it will not change.
      expect(setting.disabled).toBe(false);
      setting.focus();
      expect(document.activeElement).toBe(setting);
    }
    fireEvent.change(device, { target: { value: 'gpu' } });
    fireEvent.click(toggle);
    fireEvent.change(fps, { target: { value: '30' } });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(device.value).toBe('cpu');
    expect(toggle.checked).toBe(true);
    expect(fps.value).toBe('12');
    expect(container.querySelector('output')?.textContent).toBe('12 fps');
  });

  it('a role that may run jobs can change every job setting, which is not described as off', async () => {
    const { container } = renderRecorded(<Console />, demoRecording());
    const toggle = (await screen.findByTestId('toggle-thumbnail')) as HTMLInputElement;
    await waitFor(() => expect(toggle.checked).toBe(true));
    const device = container.querySelector('#device-selector') as HTMLSelectElement;
    const fps = container.querySelector('#fps-slider') as HTMLInputElement;
    for (const setting of [device, toggle, fps]) {
      expect(setting.hasAttribute('aria-disabled')).toBe(false);
      expect(setting.hasAttribute('aria-describedby')).toBe(false);
    }
    fireEvent.change(device, { target: { value: 'gpu' } });
    fireEvent.change(fps, { target: { value: '30' } });
    fireEvent.click(toggle);
    await waitFor(() => expect(toggle.checked).toBe(false));
    expect(device.value).toBe('gpu');
    expect(fps.value).toBe('30');
  });

  it('with no plugin turned on, Start says so (it was off without a word)', async () => {
    renderRecorded(<Console />, demoRecording());
    const toggle = (await screen.findByTestId('toggle-thumbnail')) as HTMLInputElement;
    await waitFor(() => expect(toggle.checked).toBe(true));
    expect(screen.queryByTestId('job-start-why')).toBeNull();
    fireEvent.click(toggle);
    const why = await screen.findByTestId('job-start-why');
    expect(why.textContent).toBe('Turn on at least one plugin to start a job.');
    expect(screen.getByTestId('job-start').getAttribute('aria-describedby')).toBe(why.id);
  });

  it('shows the empty state when the gateway has no plugins', async () => {
    const { container } = renderRecorded(<Console />, { canvas: [canvasReady({ manifest: DEMO_BOARD_MANIFEST })] });
    const inspector = container.querySelector('#plugin-inspector') as HTMLElement;
    expect((await within(inspector).findByText('No plugins')).textContent).toBe('No plugins');
    expect(container.querySelector('#progress-bar')!.getAttribute('aria-valuetext')).toBe('No job running');
  });
});
