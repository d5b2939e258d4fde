import type { Meta, StoryObj } from '@storybook/react-vite';

function Smoke() {
  return <p>smoke</p>;
}
const meta = { title: 'Smoke', component: Smoke } satisfies Meta<typeof Smoke>;
export default meta;
export const Default: StoryObj<typeof meta> = {};
