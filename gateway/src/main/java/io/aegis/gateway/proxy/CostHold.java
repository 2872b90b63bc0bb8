package io.aegis.gateway.proxy;

import io.aegis.cost.ModelPricing;
import io.aegis.cost.Reservation;
import io.aegis.gateway.cost.Admissions;
import io.aegis.gateway.cost.TenantCost;

/**
 * One request's hold on its tenant's money and allowances: the prices it is billed at, the
 * reservations on the tenant's, model's and key's budgets, the per-minute limits that admitted it,
 * and, once settled, what it cost.
 */
public final class CostHold {
    /** The prices the request is billed at (those of the model it was sent to). */
    ModelPricing pricing;
    /** The tenant's budget and limits, or {@code null}. */
    TenantCost tenant;
    final Reservation reservation = new Reservation();
    final Reservation modelReservation = new Reservation();
    final Reservation keyReservation = new Reservation();
    /** The per-minute limits that admitted the request, to settle or give back. */
    final Admissions admissions = new Admissions();
    /** The settled cost, in nano-dollars. */
    long costNanos;

    void reset() {
        pricing = null;
        tenant = null;
        costNanos = 0;
    }

    /** Gives back every hold taken so far (a later check refused the request). */
    void releaseAll() {
        reservation.release();
        modelReservation.release();
        keyReservation.release();
        admissions.rollback();
    }

    /** What the request cost, in nano-dollars (0 until it completes, and when nothing was billed). */
    public long costNanos() {
        return costNanos;
    }

    /** The prices it was billed at; {@link ModelPricing#known()} is false when its model is not in the table. */
    public ModelPricing pricing() {
        return pricing;
    }

    /** The tenant's budget and limits, or {@code null} for a tenant without any. */
    public TenantCost tenant() {
        return tenant;
    }
}
