/** The gateway's budgets shared with a fleet of replicas through the budget cluster (issue 17). */
package io.aegis.gateway.fleet;
