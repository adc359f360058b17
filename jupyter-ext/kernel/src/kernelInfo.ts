/** What the kernel says about itself (kernel_info_reply) and the names in the kernelspec contract. */
import type { KernelInfo } from "./handler";

export const KERNEL_VERSION = "0.1.0";
export const KERNEL_NAME = "embedscope";
export const KERNEL_DISPLAY_NAME = "Embedscope";
/** The comm target the JupyterLab extension opens to reach the engine. */
export const COMM_TARGET = "embedscope";

export const EMBEDSCOPE_KERNEL_INFO: KernelInfo = {
  implementation: "embedscope",
  implementation_version: KERNEL_VERSION,
  language_info: {
    name: "embedscope",
    version: KERNEL_VERSION,
    mimetype: "text/x-embedscope",
    file_extension: ".embedscope",
    // Cells read like shell lines (words, quotes, # comments); nbconvert gets plain text.
    codemirror_mode: "shell",
    pygments_lexer: "text",
  },
  banner: [
    `Embedscope ${KERNEL_VERSION}: project vector collections to 2-D and explore the runs.`,
    "Type %help for the commands; try  %project demo reducer=pca",
  ].join("\n"),
  help_links: [
    { text: "UMAP parameters", url: "https://umap-learn.readthedocs.io/en/latest/parameters.html" },
    { text: "Using t-SNE effectively", url: "https://distill.pub/2016/misread-tsne/" },
  ],
};
