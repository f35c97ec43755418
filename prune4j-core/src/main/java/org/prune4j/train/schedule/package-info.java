/** Learning-rate schedules as small plug-ins found by name. */
package org.prune4j.train.schedule;
