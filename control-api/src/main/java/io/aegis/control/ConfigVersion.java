package io.aegis.control;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One accepted version of the dynamic config, with the change that made it (the audit record).
 *
 * @param version     1, 2, 3, ... in the order accepted
 * @param parent      the version it was made from (0 for the first)
 * @param timeMillis  when it was accepted, epoch milliseconds
 * @param actor       who asked for it (never a token)
 * @param action      {@code config.bootstrap}, {@code rules.replace}, {@code tenant.update},
 *                    {@code tenant.key.create}, {@code tenant.key.revoke}, {@code sampling.replace},
 *                    {@code config.rollback}
 * @param target      what it applied to: a tenant id, a key id, a version
 * @param detail      a short description; never a secret
 * @param document    the whole dynamic config as it stands in this version
 */
public record ConfigVersion(long version, long parent, long timeMillis, String actor, String action, String target,
        String detail, ObjectNode document) {
}
