/**
 * Fleet budgets: the lease ledger a cluster of budget nodes replicates, so that gateway replicas
 * share each budget without a network hop on the request path (issue 17; the Aeron Cluster service
 * around it is the next step).
 */
package io.aegis.cost.fleet;
