package io.aegis.gateway.config;

import java.util.List;

/**
 * One tenant: its virtual keys (as SHA-256 hashes) and its budget and limits.
 *
 * @param id                 tenant id
 * @param keySha256Hex       lower-case hex SHA-256 of each virtual key
 * @param budgetMicrosPerDay spend per UTC day in micro-dollars, or -1 for none
 * @param budgetMicrosPerMonth spend per UTC month in micro-dollars, or -1 for none
 * @param requestsPerMinute  or -1 for none
 * @param tokensPerMinute    or -1 for none
 * @param piiPolicy          PII type (or {@code default}) to {@code tag}, {@code redact} or {@code block}, for requests
 * @param piiResponsePolicy  the same for answers ({@code pii_policy.response}); empty: answers are not scanned
 * @param piiRestore         {@code pii_policy.restore}: placeholders in the answer become the request's originals
 * @param fleetFailOpenMicros {@code budget.fleet}: micro-dollars a gateway may spend beyond its leases
 *                           per window while the budget cluster is unreachable, or -1 ({@code fail_closed})
 * @param modelBudgets       per model family (as priced): {micro-dollars per day, per month}, -1 for none
 * @param keyBudgets         per virtual key id (the short id traces show): the same
 */
public record TenantSettings(
        String id,
        List<String> keySha256Hex,
        long budgetMicrosPerDay,
        long budgetMicrosPerMonth,
        long requestsPerMinute,
        long tokensPerMinute,
        java.util.Map<String, String> piiPolicy,
        java.util.Map<String, String> piiResponsePolicy,
        boolean piiRestore,
        long fleetFailOpenMicros,
        java.util.Map<String, long[]> modelBudgets,
        java.util.Map<String, long[]> keyBudgets) {
}
