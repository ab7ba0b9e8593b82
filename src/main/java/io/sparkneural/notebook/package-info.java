/**
 * Notebooks: a Jupyter kernel that runs Java cells in JShell on the project's class path ({@link
 * io.sparkneural.notebook.JShellKernel}), the charts a training run asks for ({@link io.sparkneural.notebook.Plots})
 * and one way to show them inline in Jupyter or Zeppelin ({@link io.sparkneural.notebook.Notebook#show}).
 */
package io.sparkneural.notebook;
