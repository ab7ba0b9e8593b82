/** What the command-line programs (example jobs, benchmark) share: option parsing and the Spark session. */
package io.sparkneural.cli;
