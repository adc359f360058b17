/** The Embedscope icon (launcher card, tab, settings editor): a few points in three clusters. */
import { LabIcon } from "@jupyterlab/ui-components";

const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="16" height="16">
  <g class="jp-icon3" fill="#616161">
    <circle cx="5" cy="7" r="1.8"/><circle cx="8.5" cy="5" r="1.4"/><circle cx="7" cy="10" r="1.4"/>
    <circle cx="16" cy="6" r="1.8"/><circle cx="19" cy="9" r="1.4"/>
    <circle cx="10" cy="17" r="1.8"/><circle cx="14" cy="19" r="1.4"/><circle cx="13" cy="14.5" r="1.4"/><circle cx="18" cy="16" r="1.4"/>
  </g>
</svg>`;

export const embedscopeIcon = new LabIcon({ name: "embedscope:logo", svgstr: svg });
