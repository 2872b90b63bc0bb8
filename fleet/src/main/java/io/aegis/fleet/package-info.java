/**
 * Budgets shared by gateway replicas: the {@link io.aegis.cost.fleet.LeaseLedger} as an Aeron
 * Cluster service ({@link io.aegis.fleet.BudgetService}), its wire messages, and the node that runs
 * one member of the cluster.
 */
package io.aegis.fleet;
