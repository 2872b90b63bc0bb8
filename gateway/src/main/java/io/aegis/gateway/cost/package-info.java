/** The gateway's side of cost: per-tenant budgets and limits built from config, and their spend kept across restarts. */
package io.aegis.gateway.cost;
