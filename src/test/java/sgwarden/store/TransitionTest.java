package sgwarden.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import sgwarden.change.Status;

/** The lifecycle table, without DynamoDB: what each transition allows and refuses, and the condition it writes. */
class TransitionTest {

    /** Every allowed move: transition, from (null: no item), held too long, to. */
    static final Object[][] ALLOWED = {
            {Transition.CLAIM, Status.ANNOUNCING, true, Status.ANNOUNCING},
            {Transition.ANNOUNCE, Status.ANNOUNCING, false, Status.PENDING},
            {Transition.TELL_UNREADABLE, Status.ANNOUNCING, false, Status.UNREADABLE},
            {Transition.POLICY, Status.ANNOUNCING, false, Status.APPROVED},
            {Transition.POLICY, Status.ANNOUNCING, false, Status.REVERTING},
            {Transition.POLICY, Status.PENDING, false, Status.APPROVED},
            {Transition.POLICY, Status.PENDING, false, Status.REVERTING},
            {Transition.APPROVE, Status.PENDING, false, Status.APPROVED},
            {Transition.DENY, Status.PENDING, false, Status.REVERTING},
            {Transition.DENY, Status.REVERT_FAILED, false, Status.REVERTING},
            {Transition.DENY, Status.REVERTING, true, Status.REVERTING},
            {Transition.EXTEND, Status.APPROVED, false, Status.APPROVED},
            {Transition.EXPIRE, Status.APPROVED, false, Status.EXPIRED},
            {Transition.EXPIRE, Status.EXPIRED, true, Status.EXPIRED},
            {Transition.ESCALATE, Status.PENDING, false, Status.APPROVED},
            {Transition.ESCALATE, Status.PENDING, false, Status.REVERTING},
            {Transition.REVERT_DONE, Status.REVERTING, false, Status.REVERTED},
            {Transition.REVERT_DONE, Status.REVERTING, false, Status.ALREADY_GONE},
            {Transition.REVERT_DONE, Status.REVERTING, false, Status.REVERT_FAILED},
            {Transition.REVERT_DONE, Status.REVERTING, false, Status.QUARANTINED},
            {Transition.REVERT_DONE, Status.EXPIRED, false, Status.REVERTED},
            {Transition.REVERT_DONE, Status.EXPIRED, false, Status.ALREADY_GONE},
            {Transition.REVERT_DONE, Status.EXPIRED, false, Status.REVERT_FAILED},
            {Transition.REVERT_DONE, Status.EXPIRED, false, Status.QUARANTINED},
            {Transition.RESTORE, Status.REVERTED, false, Status.RESTORING},
            {Transition.RESTORE, Status.QUARANTINED, false, Status.RESTORING},
            {Transition.RESTORE, Status.RESTORE_FAILED, false, Status.RESTORING},
            {Transition.RESTORE, Status.RESTORING, true, Status.RESTORING},
            {Transition.KEEP_OFF, Status.QUARANTINED, false, Status.REVERTED},
            {Transition.RESTORE_DONE, Status.RESTORING, false, Status.RESTORED},
            {Transition.RESTORE_DONE, Status.RESTORING, false, Status.RESTORE_FAILED},
            {Transition.ALERT, Status.ANNOUNCING, false, Status.TAMPER_ALERTED},
            {Transition.ACKNOWLEDGE, Status.TAMPER_ALERTED, false, Status.TAMPER_ACKNOWLEDGED},
    };

    @Test
    void everyListedMoveIsAllowed() {
        for (Object[] m : ALLOWED) {
            Transition t = (Transition) m[0];
            assertTrue(t.allows((Status) m[1], (Boolean) m[2], (Status) m[3]), t + " from " + m[1] + " to " + m[3]);
        }
    }

    /** Every other pair of states is refused by every transition: the table above is the whole lifecycle. */
    @ParameterizedTest
    @EnumSource(Transition.class)
    void everyOtherMoveIsRefused(Transition t) {
        for (Status from : Status.values()) {
            for (boolean stale : new boolean[]{false, true}) {
                for (Status to : Status.values()) {
                    boolean listed = false;
                    for (Object[] m : ALLOWED) {
                        listed |= m[0] == t && m[1] == from && m[3] == to && (!(Boolean) m[2] || stale);
                    }
                    assertEquals(listed, t.allows(from, stale, to), t + " from " + from + (stale ? " (stale)" : "")
                            + " to " + to);
                }
            }
        }
    }

    @Test
    void aDecidedChangeIsNeverDecidedAgainByAPersonOrAPolicy() {
        Set<Status> decided = EnumSet.of(Status.APPROVED, Status.REVERTED, Status.ALREADY_GONE, Status.RESTORED);
        for (Transition t : EnumSet.of(Transition.APPROVE, Transition.DENY, Transition.POLICY, Transition.ESCALATE)) {
            for (Status s : decided) {
                for (Status to : t.to()) {
                    assertFalse(t.allows(s, true, to), t + " must not move a change " + s);
                }
            }
        }
    }

    @Test
    void aTargetTheTransitionDoesNotLeadToIsRefused() {
        assertEquals("APPROVED", Transition.APPROVE.target(Status.APPROVED).s());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Transition.APPROVE.target(Status.REVERTED));
        assertTrue(e.getMessage().contains("APPROVE does not lead to REVERTED"), e.getMessage());
    }

    @Test
    void theConditionNamesEachStartingStateAndTheStaleOne() {
        Map<String, AttributeValue> values = new HashMap<>();
        assertEquals("(#status IN (:from_0, :from_1) OR (#status = :from_stale AND #atEpoch < :stuck))",
                Transition.DENY.condition(values, "#atEpoch < :stuck"));
        assertEquals(Set.of("PENDING", "REVERT_FAILED"), Set.of(values.get(":from_0").s(), values.get(":from_1").s()));
        assertEquals("REVERTING", values.get(":from_stale").s());

        Map<String, AttributeValue> one = new HashMap<>();
        assertEquals("#status = :from_0", Transition.APPROVE.condition(one, "#atEpoch < :stuck"),
                "no stale start for Approve: the age test is left out, and no value it would not use");
        assertEquals(Map.of(":from_0", AttributeValue.fromS("PENDING")), one);

        Map<String, AttributeValue> claim = new HashMap<>();
        assertEquals("(#status = :from_stale AND #claimed < :stale)",
                Transition.CLAIM.condition(claim, "#claimed < :stale"));
        assertThrows(IllegalStateException.class, () -> Transition.CLAIM.condition(new HashMap<>(), null));
    }

    @Test
    void theTableReadsAsTheDocsShowIt() {
        String table = Transition.table();
        assertTrue(table.contains(
                "DENY: PENDING|REVERT_FAILED or REVERTING held too long -> REVERTING by PERSON, history DECISION"),
                table);
        assertEquals(Transition.values().length, table.lines().count());
    }
}
