/**
 * Reports from a results store: accuracy vs compression and vs theoretical speed-up plots (one
 * curve per method, mean and standard deviation over seeds; PNG and SVG via XChart) and an HTML
 * page with the plots and tables.
 */
package org.prune4j.report;
