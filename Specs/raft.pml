/*
 * raft.pml -- Brake's consensus and pause rule, for the Spin model checker.
 *
 * Three Raft nodes (leader election §5.2, log replication §5.3, the election
 * restriction §5.4.1 and the commit rule §5.4.2 of Ongaro & Ousterhout,
 * "In Search of an Understandable Consensus Algorithm", 2014) over a network
 * that loses, duplicates and reorders messages, where leaders may stop and
 * new elections start at any time (crash-restarts optional). Every
 * log entry is a no-op or "party p signs the motion"; every node applies its
 * committed prefix to a set of signers and is paused once K distinct parties
 * signed (DESIGN.md, "Policy rule").
 *
 * Run it with ./check; model.md says what is modelled and what is not.
 * Macros:
 *   MAX_TERM, MAX_LOG, NMSG  bounds (defaults below)
 *   CRASH_RESTART            add crash-restarts that keep the term
 *   FREE_PAYLOADS            any request at any time, not a fixed table
 *   BROKEN_COMMIT            the leader commits entries of older terms by
 *                            counting replicas: the bug of the paper's Fig. 8
 *   BROKEN_POLICY            a node counts signatures, not distinct parties
 *   BROKEN_VOTE              a node votes without the up-to-date check of
 *                            §5.4.1
 *   REACH_PAUSE              sanity: claims that no node is ever paused
 *   REACH_TRUNCATE           sanity: claims that no follower ever deletes a
 *                            conflicting suffix (§5.3)
 * The two REACH_ claims must be refuted: that shows the pause and the
 * conflict path are reachable, so the safety results are not vacuous.
 */

/* ---------------------------------------------------------------- bounds */
#ifndef MAX_TERM
#define MAX_TERM 3      /* no node goes beyond this term (at most 7)        */
#endif
#ifndef MAX_LOG
#define MAX_LOG  2      /* entries per log (at most 3)                      */
#endif
#ifndef NMSG
#define NMSG     2      /* messages in flight at once (at most 6)           */
#endif

#define N       3       /* nodes 0, 1, 2                                    */
#define MAJ     2       /* a majority of N                                  */
#define NPARTY  3       /* parties 1, 2, 3                                  */
#define K       2       /* distinct parties needed to trigger the pause     */
#define NONE    3       /* "no node", e.g. votedFor before voting           */

#define FOLLOWER  0
#define CANDIDATE 1
#define LEADER    2

/* ------------------------------------------------------------ log entries
 * An entry is one byte: term * 4 + payload, where payload 0 is a no-op and
 * payload p in 1..3 is "party p signs the motion". Terms start at 1, so the
 * byte 0 means "no entry".                                                 */
#define ENTRY(t, p)   ((t) * 4 + (p))
#define ETERM(e)      ((e) >> 2)
#define EPARTY(e)     ((e) & 3)

#define POP3(x)       (((x) & 1) + (((x) >> 1) & 1) + (((x) >> 2) & 1))

/* -------------------------------------------------------------- messages
 * A message is one int, so that the network is a sorted set of ints:
 *   bit 0 valid | 1-2 type | 3-5 term | 6-7 from | 8-9 to |
 *   10-12 a | 13-15 b | 16-20 c | 21-23 d
 *            a               b               c            d
 *   RV       lastLogIndex    lastLogTerm     -            -      §5.2 §5.4.1
 *   AE       prevLogIndex    prevLogTerm     entry or 0   leaderCommit  §5.3
 *   AER      (success)       matchIndex      -            -
 * RequestVote and AppendEntries are broadcast: "to" is unused and every
 * other node may receive them. An AppendEntries holds what the leader sends
 * a follower whose nextIndex is prevLogIndex + 1, so the same message is
 * valid for every follower. Replies are addressed; see "Replies" below.    */
#define RV   0
#define AE   2
#define AER  3

#define MSG(ty, tm, fr, to, a, b, c, d) \
    (1 | ((ty) << 1) | ((tm) << 3) | ((fr) << 6) | ((to) << 8) | \
     ((a) << 10) | ((b) << 13) | ((c) << 16) | ((d) << 21))
#define M_TY(m)  (((m) >> 1) & 3)
#define M_TM(m)  (((m) >> 3) & 7)
#define M_FR(m)  (((m) >> 6) & 3)
#define M_TO(m)  (((m) >> 8) & 3)
#define M_A(m)   (((m) >> 10) & 7)
#define M_B(m)   (((m) >> 13) & 7)
#define M_C(m)   (((m) >> 16) & 31)
#define M_D(m)   (((m) >> 21) & 7)

/* ----------------------------------------------------------------- state */
typedef Node {
    /* persistent state (Figure 2): kept across a crash                     */
    byte term;              /* currentTerm                                  */
    byte voted;             /* votedFor, NONE if none in this term          */
    byte nlog;              /* number of entries in the log                 */
    byte log[MAX_LOG];      /* log[k] is the entry at index k + 1           */
    /* Brake persists the applied registry state with its index (DESIGN.md,
       "Storage") and etcd persists commit with the hard state: also kept.  */
    byte commit;            /* commitIndex                                  */
    byte applied;           /* lastApplied                                  */
    byte signers;           /* applied signers, bit p-1 for party p
                               (BROKEN_POLICY: a count of signatures)       */
    bit  paused;            /* the pause is in force on this node           */
    /* volatile state: lost in a crash                                      */
    byte role;
    byte votes;             /* candidate: bit j set once j granted its vote */
    byte match[N];          /* leader: matchIndex; 0 for itself and when not
                               leader                                       */
};

Node n[N];
int  net[NMSG];     /* messages in flight, sorted descending, 0 = free slot */

/* Ghost state, read only by assertions and by the symmetry reduction.      */
byte leaderOf[MAX_TERM + 1];    /* the leader of each term, NONE if none    */
byte clog[MAX_LOG];             /* the entry first committed at each index  */
byte cterm[MAX_LOG];            /* the term in which that happened          */
#ifdef FREE_PAYLOADS
byte parties;                   /* highest party that has signed so far     */
#endif

/* Scratch for the atomic steps; hidden, so not part of the state vector.  */
hidden byte h, i2, j2, k2, c2, d2, nw, s2, cand;
hidden byte use;
hidden int  msg, ins;

/* -------------------------------------------------------------- helpers */
#define LASTTERM(i)  (n[i].nlog == 0 -> 0 : ETERM(n[i].log[n[i].nlog - 1]))

/* §5.4.1: the candidate's log is at least as up-to-date as the voter's.
   BROKEN_VOTE leaves this election restriction out.                       */
#ifdef BROKEN_VOTE
#define UP_TO_DATE(m, i)  1
#else
#define UP_TO_DATE(m, i) \
    (M_B(m) > LASTTERM(i) || (M_B(m) == LASTTERM(i) && M_A(m) >= n[i].nlog))
#endif

/* The network is a set: sending a message that is already in flight adds
   nothing, since the network may duplicate it anyway. With NMSG messages in
   flight a new one is lost, which the network may do anyway.              */
#define SEND(m) ins = (m); send_ins()
inline send_ins() {
    j2 = 0;
    do
    :: j2 < NMSG && net[j2] > ins -> j2++
    :: else -> break
    od;
    if
    :: j2 < NMSG && net[j2] == ins -> skip
    :: j2 < NMSG && net[j2] != ins && net[NMSG - 1] == 0 ->
        k2 = NMSG - 1;
        do
        :: k2 > j2 -> net[k2] = net[k2 - 1]; k2--
        :: else -> break
        od;
        net[j2] = ins
    :: else -> skip
    fi
}

inline lose(s) {
    k2 = s;
    do
    :: k2 < NMSG - 1 -> net[k2] = net[k2 + 1]; k2++
    :: else -> break
    od;
    net[NMSG - 1] = 0
}

/* A message is dead when no delivery, now or later, can change any state:
   terms only grow, a vote is cast once per term, and matchIndex only grows
   within a term. Dead messages are dropped after every step; that is a
   loss the network may cause anyway, so no behaviour is lost, and states
   that differ only in dead messages become one.                            */
inline useful(m) {
    use = 0;
    if
    :: M_TY(m) == AER ->
        use = (M_TM(m) == n[M_TO(m)].term && n[M_TO(m)].role == LEADER &&
               M_B(m) > n[M_TO(m)].match[M_FR(m)] -> 1 : 0)
    :: else ->
        d2 = 0;
        do
        :: d2 < N ->
            if
            :: d2 == M_FR(m) -> skip
            :: M_TM(m) > n[d2].term -> use = 1
            :: M_TM(m) == n[d2].term && M_TY(m) == AE ->
                /* dead for d2 only if it is a follower whose log already
                   matches (a match stays one within the term, as the log
                   only takes this leader's entries), that would learn no
                   commit from it, and whose reply the leader no longer
                   needs                                                    */
                nw = M_A(m) + (M_C(m) != 0 -> 1 : 0);
                if
                :: n[d2].role == FOLLOWER &&
                   (M_A(m) == 0 || (M_A(m) <= n[d2].nlog &&
                                    ETERM(n[d2].log[M_A(m) - 1]) == M_B(m))) &&
                   (M_C(m) == 0 || (n[d2].nlog >= nw &&
                                    ETERM(n[d2].log[nw - 1]) == ETERM(M_C(m)))) &&
                   (M_D(m) < nw -> M_D(m) : nw) <= n[d2].commit &&
                   !(n[M_FR(m)].term == M_TM(m) && n[M_FR(m)].role == LEADER &&
                     n[M_FR(m)].match[d2] < nw) -> skip
                :: else -> use = 1
                fi
            :: M_TM(m) == n[d2].term && M_TY(m) == RV && n[d2].voted == NONE ->
                use = 1
                /* once d2 voted in this term, no RequestVote of the term
                   can change it: a vote for another is refused, and a vote
                   for this candidate again was already counted (a candidate
                   that got it became leader; one that had given up cannot
                   be candidate in this term again)                         */
            :: else -> skip
            fi;
            d2++
        :: else -> break
        od
    fi
}

inline collect_garbage() {
    s2 = 0;
    do
    :: s2 < NMSG && net[s2] != 0 ->
        useful(net[s2]);
        if
        :: use -> s2++
        :: else -> lose(s2)
        fi
    :: else -> break
    od
}

inline become_follower(i) {
    n[i].role = FOLLOWER;
    n[i].votes = 0;
    n[i].match[0] = 0; n[i].match[1] = 0; n[i].match[2] = 0
}

/* Figure 2, "Rules for Servers", all servers: a newer term makes the node
   adopt it and step down.                                                  */
inline observe_term(i, t) {
    if
    :: t > n[i].term ->
        n[i].term = t;
        n[i].voted = NONE;
        become_follower(i)
    :: else -> skip
    fi
}

/* The ghost committed log: the first commit of an index fixes the entry
   there; every later commit of that index by any node must agree. This is
   State Machine Safety (Figure 3, §5.4.3).                                 */
inline record_commit(i) {
    k2 = 0;
    do
    :: k2 < n[i].commit ->
        if
        :: clog[k2] == 0 -> clog[k2] = n[i].log[k2]; cterm[k2] = n[i].term
        :: else -> assert(clog[k2] == n[i].log[k2])
        fi;
        k2++
    :: else -> break
    od
}

/* Brake's registry: apply committed entries in order; the pause is in
   force once K distinct parties signed. Signatures count per party, never
   per signature (DESIGN.md, "Policy rule").                                */
inline apply(i) {
    do
    :: n[i].applied < n[i].commit ->
        h = EPARTY(n[i].log[n[i].applied]);
        if
        :: h != 0 ->
#ifdef BROKEN_POLICY
            n[i].signers++
#else
            n[i].signers = n[i].signers | (1 << (h - 1))
#endif
        :: else -> skip
        fi;
        n[i].applied++
    :: else -> break
    od;
#ifdef BROKEN_POLICY
    n[i].paused = (n[i].signers >= K -> 1 : 0)
#else
    n[i].paused = (POP3(n[i].signers) >= K -> 1 : 0)
#endif
}

inline advance_commit(i, c) {
    n[i].commit = c;
    printf("MSC: node %d commits up to index %d in term %d\n", i, c, n[i].term);
    record_commit(i);
    apply(i);
    if
    :: n[i].paused -> printf("MSC: node %d is paused\n", i)
    :: else -> skip
    fi
}

/* §5.2: a candidate with votes from a majority becomes leader.            */
inline become_leader(i) {
    n[i].role = LEADER;
    n[i].votes = 0;
    n[i].match[0] = 0; n[i].match[1] = 0; n[i].match[2] = 0;
    printf("MSC: node %d is leader of term %d\n", i, n[i].term);
    /* Election Safety (Figure 3): at most one leader per term.            */
    assert(leaderOf[n[i].term] == NONE);
    leaderOf[n[i].term] = i;
    /* Leader Completeness (Figure 3, §5.4.3): the leader of term T holds
       every entry committed in a term before T. Leaders never drop entries,
       so checking on election is enough.                                  */
    k2 = 0;
    do
    :: k2 < MAX_LOG ->
        assert(clog[k2] == 0 || cterm[k2] >= n[i].term ||
               (k2 < n[i].nlog && n[i].log[k2] == clog[k2]));
        k2++
    :: else -> break
    od
}

/* The leader's commit rule, §5.3 and §5.4.2: the highest N > commitIndex
   with matchIndex >= N on a majority (the leader counts itself) and
   log[N].term == currentTerm. Entries of older terms are committed only
   indirectly, through the Log Matching Property.                           */
#ifndef BROKEN_COMMIT
#define CURRENT_TERM_ENTRY(i, c)  (ETERM(n[i].log[(c) - 1]) == n[i].term)
#else
/* Figure 8: counting replicas alone commits an entry of an older term that
   a later leader, elected without it, may overwrite.                      */
#define CURRENT_TERM_ENTRY(i, c)  1
#endif
inline leader_commit(i) {
    c2 = n[i].nlog;
    do
    :: c2 > n[i].commit ->
        d2 = 1;
        if :: n[i].match[0] >= c2 -> d2++ :: else -> skip fi;
        if :: n[i].match[1] >= c2 -> d2++ :: else -> skip fi;
        if :: n[i].match[2] >= c2 -> d2++ :: else -> skip fi;
        if
        :: d2 >= MAJ && CURRENT_TERM_ENTRY(i, c2) -> advance_commit(i, c2); break
        :: else -> c2--
        fi
    :: else -> break
    od
}

/* ----------------------------------------------------------------------
 * Replies. A granted vote is counted by the candidate in the same step as
 * the vote (the reply is delivered at once). With three nodes that one vote
 * makes the candidate leader; a reply delayed or lost instead leaves a
 * candidate that does nothing until it times out, which the model reaches
 * as "elected, then crashed" (CRASH), so no state of the voters is lost.
 * A successful append is answered with an AER message, which may be lost,
 * duplicated or delayed. Every other answer either changes nothing at the
 * requester (a refused vote in the same term; a refused append, since this
 * model has no nextIndex: the leader may send any prevLogIndex) or only
 * tells it a newer term, which the action LEARN_TERM models. Those answers
 * are not sent: the same as a network that always loses them.             */

/* RequestVote receiver (Figure 2, §5.2, §5.4.1). The granted vote reaches
   the candidate at once (see "Replies" above).                            */
inline on_request_vote(r, m) {
    observe_term(r, M_TM(m));
    if
    :: M_TM(m) == n[r].term &&
       (n[r].voted == NONE || n[r].voted == M_FR(m)) && UP_TO_DATE(m, r) ->
        n[r].voted = M_FR(m);       /* one vote per term, persisted        */
        printf("MSC: node %d votes for node %d in term %d\n", r, M_FR(m), n[r].term);
        cand = M_FR(m);
        if
        :: n[cand].term == n[r].term && n[cand].role == CANDIDATE ->
            n[cand].votes = n[cand].votes | (1 << r);
            if
            :: POP3(n[cand].votes) >= MAJ -> become_leader(cand)
            :: else -> skip
            fi
        :: else -> skip             /* the candidate gave up: vote wasted  */
        fi
    :: else -> skip                 /* 1. term < currentTerm, or 2. refused */
    fi
}

/* AppendEntries receiver (Figure 2, §5.3).                                 */
inline on_append(r, m) {
    observe_term(r, M_TM(m));
    if
    :: M_TM(m) == n[r].term ->
        assert(n[r].role != LEADER);    /* two leaders in one term         */
        n[r].role = FOLLOWER;           /* §5.2: a candidate steps down    */
        n[r].votes = 0;
        if
        :: M_A(m) == 0 ||
           (M_A(m) <= n[r].nlog && ETERM(n[r].log[M_A(m) - 1]) == M_B(m)) ->
            /* 2. the log holds prevLogIndex with prevLogTerm              */
            nw = M_A(m);                /* index of the last new entry     */
            if
            :: M_C(m) != 0 ->
                nw = M_A(m) + 1;
                if
                :: n[r].nlog >= nw && ETERM(n[r].log[nw - 1]) != ETERM(M_C(m)) ->
                    /* 3. a conflicting entry: delete it and all after it  */
                    assert(nw > n[r].commit);   /* never a committed one   */
#ifdef REACH_TRUNCATE
                    assert(false);
#endif
                    k2 = nw - 1;
                    do
                    :: k2 < n[r].nlog -> n[r].log[k2] = 0; k2++
                    :: else -> break
                    od;
                    n[r].log[nw - 1] = M_C(m);
                    n[r].nlog = nw
                :: n[r].nlog < nw ->
                    /* 4. append the new entry                             */
                    n[r].log[nw - 1] = M_C(m);
                    n[r].nlog = nw
                :: else -> skip
                    /* 4. already there: keep it AND what follows, or a
                       delayed message would cut a longer log               */
                fi
            :: else -> skip
            fi;
            /* 5. commitIndex = min(leaderCommit, index of last new entry);
               never lowered                                                */
            d2 = (M_D(m) < nw -> M_D(m) : nw);
            if
            :: d2 > n[r].commit -> advance_commit(r, d2)
            :: else -> skip
            fi;
            SEND(MSG(AER, n[r].term, r, M_FR(m), 1, nw, 0, 0))
        :: else -> skip                 /* 2. refused                      */
        fi
    :: else -> skip                     /* 1. term < currentTerm           */
    fi
}

/* AppendEntries reply, at the leader (Figure 2, "Rules for Servers").      */
inline on_append_reply(r, m) {
    if
    :: M_TM(m) == n[r].term && n[r].role == LEADER &&
       M_B(m) > n[r].match[M_FR(m)] ->
        n[r].match[M_FR(m)] = M_B(m);
        leader_commit(r)
    :: else -> skip                     /* stale, delayed or duplicated    */
    fi
}

/* ----------------------------------------------------------- invariants
 * Checked after every step, so on every reachable state.                   */
inline check() {
    i2 = 0;
    do
    :: i2 < N ->
        assert(n[i2].applied == n[i2].commit && n[i2].commit <= n[i2].nlog);
        /* every node's committed prefix is the one committed log           */
        k2 = 0;
        do
        :: k2 < n[i2].commit -> assert(n[i2].log[k2] == clog[k2]); k2++
        :: else -> break
        od;
        /* Brake: paused => the committed prefix holds signatures of at
           least K distinct parties, counted afresh from the committed log;
           a party that signed twice counts once.                           */
        if
        :: n[i2].paused ->
            h = 0;
            k2 = 0;
            do
            :: k2 < n[i2].applied ->
                if
                :: EPARTY(clog[k2]) != 0 -> h = h | (1 << (EPARTY(clog[k2]) - 1))
                :: else -> skip
                fi;
                k2++
            :: else -> break
            od;
            assert(POP3(h) >= K)
        :: else -> skip
        fi;
#ifdef REACH_PAUSE
        assert(!n[i2].paused);
#endif
        /* Log Matching (Figure 3, §5.3): two logs with an entry of the same
           index and term are identical up to and including that index.     */
        j2 = i2 + 1;
        do
        :: j2 < N ->
            k2 = 0;
            do
            :: k2 < n[i2].nlog && k2 < n[j2].nlog ->
                if
                :: ETERM(n[i2].log[k2]) == ETERM(n[j2].log[k2]) ->
                    c2 = 0;
                    do
                    :: c2 <= k2 -> assert(n[i2].log[c2] == n[j2].log[c2]); c2++
                    :: else -> break
                    od
                :: else -> skip
                fi;
                k2++
            :: else -> break
            od;
            /* Election Safety, on the current state as well               */
            assert(!(n[i2].role == LEADER && n[j2].role == LEADER &&
                     n[i2].term == n[j2].term));
            j2++
        :: else -> break
        od;
        i2++
    :: else -> break
    od;
    skip    /* a d_step may not end with a loop's break */
}

/* Every step ends here: drop dead messages, then check the invariants.     */
#define END_STEP  collect_garbage(); check()

/* --------------------------------------------------------------- actions
 * Each action is one d_step, i.e. one transition of the model.             */

/* §5.2: a node times out and starts an election: a new term, a vote for
   itself, RequestVote to all. A leader may time out too: that stands for a
   leader that stops (crashes, or loses touch with a majority), restarts
   with its persistent state and times out; its persistent state is kept,
   and what it loses (role, matchIndex) is rebuilt by the election. Nodes
   are symmetric, so node 0 is the one to time out first (symmetry
   reduction: every other run is a renaming of one of these).              */
#define TIMEOUT(i) \
    d_step { n[i].term < MAX_TERM && (i == 0 || n[0].term > 0) -> \
        n[i].term++; n[i].role = CANDIDATE; n[i].voted = i; \
        n[i].votes = (1 << i); n[i].match[0] = 0; n[i].match[1] = 0; \
        n[i].match[2] = 0; \
        printf("MSC: node %d times out and asks for votes in term %d\n", i, n[i].term); \
        SEND(MSG(RV, n[i].term, i, 0, n[i].nlog, LASTTERM(i), 0, 0)); \
        END_STEP }

/* §5.3: a client request reaches the leader, which appends a no-op (q = 0)
   or "party q signs the motion"; a party may sign more than once.
   With FREE_PAYLOADS the request is any of those. Parties are symmetric, so
   a party signs only after every lower one has (party 1 signs first, then
   party 1 or 2, ...): a symmetry reduction.
   Without it, the request at index k in term t is the fixed TABLE(t, k):
   Raft never looks into a payload, only copies and compares it, so its
   safety does not depend on the payloads (data independence), and the
   table still yields logs with two parties signing and with one party
   signing twice (e.g. [t1 p3, t3 p3]).                                    */
#define TABLE(t, k)   (((t) + (k)) % NPARTY + 1)
#ifdef FREE_PAYLOADS
#define APPEND(i, q) \
    d_step { n[i].role == LEADER && n[i].nlog < MAX_LOG && q <= parties + 1 -> \
        n[i].log[n[i].nlog] = ENTRY(n[i].term, q); n[i].nlog++; \
        if :: q > parties -> parties = q :: else -> skip fi; \
        printf("MSC: node %d appends index %d: term %d, party %d (0 = no-op)\n", \
               i, n[i].nlog, n[i].term, q); \
        END_STEP }
#define APPENDS(i) :: APPEND(i, 0) :: APPEND(i, 1) :: APPEND(i, 2) :: APPEND(i, 3)
#else
#define APPEND(i) \
    d_step { n[i].role == LEADER && n[i].nlog < MAX_LOG -> \
        n[i].log[n[i].nlog] = ENTRY(n[i].term, TABLE(n[i].term, n[i].nlog + 1)); \
        n[i].nlog++; \
        printf("MSC: node %d appends index %d: term %d, party %d\n", i, n[i].nlog, \
               n[i].term, EPARTY(n[i].log[n[i].nlog - 1])); \
        END_STEP }
#define APPENDS(i) :: APPEND(i)
#endif

/* §5.3: the leader sends AppendEntries with prevLogIndex p and the entry at
   p + 1 if there is one (a heartbeat otherwise), with its commitIndex. Any
   p may be chosen, which covers every nextIndex a follower can have.      */
#define REPLICATE(i, p) \
    d_step { n[i].role == LEADER && p <= n[i].nlog -> \
        printf("MSC: node %d sends AppendEntries: term %d, prevLogIndex %d, commit %d\n", \
               i, n[i].term, p, n[i].commit); \
        SEND(MSG(AE, n[i].term, i, 0, p, (p == 0 -> 0 : ETERM(n[i].log[p - 1])), \
                 (p < n[i].nlog -> n[i].log[p] : 0), n[i].commit)); \
        END_STEP }

/* A leader or candidate learns the newer term of a peer. In Raft this is the
   reply that refuses its RequestVote or AppendEntries (Figure 2: "if RPC
   request or response contains term T > currentTerm: set currentTerm = T,
   convert to follower").                                                  */
#define LEARN_TERM(i, j) \
    d_step { n[i].role != FOLLOWER && n[j].term > n[i].term -> \
        h = n[j].term; \
        printf("MSC: node %d learns term %d from node %d\n", i, h, j); \
        observe_term(i, h); END_STEP }

/* With -DCRASH_RESTART: a crash and restart that keeps the node in its term. It
   keeps term, vote, log, commit index and the applied state, and loses its
   role, votes and matchIndex. A follower's crash changes nothing, so only
   leaders and candidates crash. Off by default: a restarted leader or
   candidate can do nothing in its old term that TIMEOUT and LEARN_TERM do
   not already cover, and it triples the state space.                      */
#define CRASH(i) \
    d_step { n[i].role != FOLLOWER -> become_follower(i); END_STEP }

/* Node r receives the message in slot s. The message stays in flight, so it
   may arrive again (duplication) or later (reordering).                    */
#define DELIVER(s, r) \
    d_step { net[s] != 0 && \
             ((M_TY(net[s]) != AER && M_FR(net[s]) != r) || \
              (M_TY(net[s]) == AER && M_TO(net[s]) == r)) -> \
        msg = net[s]; \
        if \
        :: M_TY(msg) == RV -> \
            printf("MSC: node %d receives RequestVote from node %d: term %d, last log index %d, term %d\n", \
                   r, M_FR(msg), M_TM(msg), M_A(msg), M_B(msg)); \
            on_request_vote(r, msg) \
        :: M_TY(msg) == AE -> \
            printf("MSC: node %d receives AppendEntries from node %d: term %d, prev index %d, prev term %d, entry term %d party %d, commit %d\n", \
                   r, M_FR(msg), M_TM(msg), M_A(msg), M_B(msg), ETERM(M_C(msg)), EPARTY(M_C(msg)), M_D(msg)); \
            on_append(r, msg) \
        :: else -> \
            printf("MSC: node %d receives AppendEntries reply from node %d: term %d, match index %d\n", \
                   r, M_FR(msg), M_TM(msg), M_B(msg)); \
            on_append_reply(r, msg) \
        fi; \
        END_STEP }

/* The network loses the message in slot s.                                 */
#define LOSE(s) \
    d_step { net[s] != 0 -> printf("MSC: the network loses a message\n"); lose(s) }

#define SLOT(s) :: DELIVER(s, 0) :: DELIVER(s, 1) :: DELIVER(s, 2) :: LOSE(s)

active proctype world()
{
    d_step {
        n[0].voted = NONE; n[1].voted = NONE; n[2].voted = NONE;
        h = 0;
        do
        :: h <= MAX_TERM -> leaderOf[h] = NONE; h++
        :: else -> break
        od;
        h = 0
    };
    /* With bounded terms a run ends when no step is enabled: a valid end
       state, not a deadlock of the protocol.                              */
end:
    do
    :: TIMEOUT(0) :: TIMEOUT(1) :: TIMEOUT(2)
    APPENDS(0) APPENDS(1) APPENDS(2)
    :: REPLICATE(0, 0) :: REPLICATE(1, 0) :: REPLICATE(2, 0)
    :: REPLICATE(0, 1) :: REPLICATE(1, 1) :: REPLICATE(2, 1)
#if MAX_LOG >= 2
    :: REPLICATE(0, 2) :: REPLICATE(1, 2) :: REPLICATE(2, 2)
#endif
#if MAX_LOG >= 3
    :: REPLICATE(0, 3) :: REPLICATE(1, 3) :: REPLICATE(2, 3)
#endif
    :: LEARN_TERM(0, 1) :: LEARN_TERM(0, 2) :: LEARN_TERM(1, 0)
    :: LEARN_TERM(1, 2) :: LEARN_TERM(2, 0) :: LEARN_TERM(2, 1)
#ifdef CRASH_RESTART
    :: CRASH(0) :: CRASH(1) :: CRASH(2)
#endif
    SLOT(0)
#if NMSG >= 2
    SLOT(1)
#endif
#if NMSG >= 3
    SLOT(2)
#endif
#if NMSG >= 4
    SLOT(3)
#endif
#if NMSG >= 5
    SLOT(4)
#endif
#if NMSG >= 6
    SLOT(5)
#endif
    od
}
