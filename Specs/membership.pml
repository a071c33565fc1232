/*
 * membership.pml -- Brake's Raft membership changes, for the Spin model checker.
 *
 * Single-server membership changes (Ongaro's thesis §4.1-4.3) as Brake's
 * Raft core implements them (Sources/BrakeRaft/RaftNode+Membership.swift):
 * a configuration is a conf entry in the log and takes effect on a node as
 * soon as the entry is in that node's log (a truncated conf entry reverts
 * the node to the configuration before it); only the voters of a node's own
 * configuration vote, count for quorums and campaign; a leader proposes a
 * change only when no other is uncommitted in its log and after it has
 * committed an entry of its own term (the 2015 fix to the thesis); a leader
 * that removed itself leads until the change commits, not counting itself,
 * then steps down.
 *
 * Learners are not modelled apart: they never vote, count or campaign, so
 * adding one changes no quorum; "add" here is the promotion that makes a
 * node a voter. Messages are atomic request/response steps between two
 * nodes, and any node may stop leading or campaigning at any time; message
 * loss, duplication and reordering are raft.pml's subject, not this one's.
 *
 * Run it with ./check; model.md says what is modelled and what is not.
 * Macros:
 *   MAX_TERM, MAX_LOG   bounds (defaults below)
 *   N                   nodes 0..N-1 (4 or 5)
 *   INIT                the initial voters as a bit mask (the others are
 *                       spares that may be added)
 *   BROKEN_CONF         a new leader may change the membership before it has
 *                       committed an entry of its term (the thesis's rule
 *                       before the fix): must lose a committed entry
 *   REACH_CHANGE        sanity: claims that no membership change ever commits
 *                       after another one did (must be refuted)
 */

#ifndef MAX_TERM
#define MAX_TERM 3      /* no node goes beyond this term (at most 3)        */
#endif
#ifndef MAX_LOG
#define MAX_LOG  3      /* entries per log                                  */
#endif
#ifndef N
#define N        4      /* nodes 0..N-1 (4 or 5)                            */
#endif
#ifndef INIT
#define INIT     7      /* voters 0, 1, 2 at the start; node 3 is a spare   */
#endif
#define NONE     7      /* "no node", e.g. votedFor before voting           */

#define FOLLOWER  0
#define CANDIDATE 1
#define LEADER    2

/* ------------------------------------------------------------ log entries
 * An entry is one byte: term * 64 + conf * 32 + mask. A no-op has conf 0
 * and mask 0; a conf entry holds the complete voter set it establishes as a
 * bit mask (bit j: node j votes). Terms start at 1: the byte 0 is "none".  */
#define ENTRY(t, c, m)  ((t) * 64 + (c) * 32 + (m))
#define ETERM(e)        ((e) >> 6)
#define ECONF(e)        (((e) >> 5) & 1)
#define EMASK(e)        ((e) & 31)

#define BIT(m, j)       (((m) >> (j)) & 1)

typedef Node {
    /* persistent: term, vote, log                                         */
    byte term;
    byte voted = NONE;
    byte nlog;
    byte log[MAX_LOG];
    /* derived from the log, kept for speed (no new states): the voters of
       the last conf entry in the log, or INIT, and that entry's index      */
    byte cfg = INIT;
    byte pcfg = INIT;       /* the voters before that entry                 */
    byte cfgidx;
    /* volatile                                                             */
    byte role;
    byte votes;             /* candidate: bit j once j granted its vote     */
    byte match[N];          /* leader: matchIndex of each node              */
    byte commit;            /* leader: commitIndex (a follower's commit
                               index decides nothing here: left out)        */
};

Node n[N];

/* Ghost state, read only by assertions.                                    */
byte leaderOf[MAX_TERM + 1] = NONE;  /* the leader of each term, or NONE   */
byte clog[MAX_LOG];             /* the entry first committed at each index  */
byte cterm[MAX_LOG];            /* the term in which that happened          */
byte changes;                   /* conf entries committed so far (REACH_)   */

hidden byte k, c, p, votes_n, tmp, nt, ct;

#define LASTTERM(i)   (n[i].nlog == 0 -> 0 : ETERM(n[i].log[n[i].nlog - 1]))
#define VOTER(i, j)   BIT(n[i].cfg, j)

/* §5.4.1: candidate i's log is at least as up to date as voter j's.       */
#define UP_TO_DATE(i, j) \
    (LASTTERM(i) > LASTTERM(j) || (LASTTERM(i) == LASTTERM(j) && n[i].nlog >= n[j].nlog))

/* The configuration in effect: the last conf entry in the log (append
   time, thesis §4.1), INIT without one.                                    */
inline recompute_cfg(i) {
    n[i].cfg = INIT;
    n[i].pcfg = INIT;
    n[i].cfgidx = 0;
    k = 0;
    do
    :: k < n[i].nlog ->
        if
        :: ECONF(n[i].log[k]) ->
            n[i].pcfg = n[i].cfg; n[i].cfg = EMASK(n[i].log[k]); n[i].cfgidx = k + 1
        :: else -> skip
        fi;
        k++
    :: else -> break
    od;
    skip    /* a break must not leave the d_step */
}

/* votes_n := how many voters of mask m are in set s.                          */
inline count_in(m, s) {
    votes_n = 0;
    k = 0;
    do
    :: k < N -> votes_n = votes_n + (BIT(m, k) & BIT(s, k)); k++
    :: else -> break
    od;
    skip    /* a break must not leave the d_step */
}

/* tmp := how many voters mask m has.                                       */
inline size_of(m) {
    tmp = 0;
    k = 0;
    do
    :: k < N -> tmp = tmp + BIT(m, k); k++
    :: else -> break
    od;
    skip    /* a break must not leave the d_step */
}

inline become_follower(i) {
    n[i].role = FOLLOWER;
    n[i].votes = 0;
    n[i].commit = 0;
    k = 0;
    do
    :: k < N -> n[i].match[k] = 0; k++
    :: else -> break
    od;
    skip    /* a break must not leave the d_step */
}

/* j adopts term nt if it is newer (Figure 2, all servers).                */
inline adopt_term(j) {
    if
    :: nt > n[j].term -> n[j].term = nt; n[j].voted = NONE; become_follower(j)
    :: else -> skip
    fi
}

/* State Machine Safety: the first commit of an index fixes its entry; any
   later commit of that index, on any node, must agree. ct is the term of
   the leader whose commit index is learnt.                                 */
inline record_commit(i, upto) {
    k = n[i].commit;
    do
    :: k < upto ->
        if
        :: clog[k] == 0 ->
            clog[k] = n[i].log[k];
            cterm[k] = ct;
            if
            :: ECONF(n[i].log[k]) -> changes++
            :: else -> skip
            fi
        :: else -> assert(clog[k] == n[i].log[k])
        fi;
        k++
    :: else -> break
    od;
    n[i].commit = upto
}

/* ---------------------------------------------------------------- actions */

/* §5.2: a voter of its own configuration times out and campaigns, and so
   may a voter removed by the last conf entry in its log (thesis §4.2.2:
   the Swift core allows it only while that entry is uncommitted; allowing
   it always here only adds behaviours). Its own vote counts only if it is
   a voter. A spare never campaigns.                                        */
#define TIMEOUT(i) \
    d_step { \
        n[i].role != LEADER && n[i].term < MAX_TERM && (VOTER(i, i) || BIT(n[i].pcfg, i)) -> \
        n[i].term++; \
        n[i].voted = i; \
        become_follower(i); \
        n[i].role = CANDIDATE; \
        n[i].votes = (VOTER(i, i) -> 1 << i : 0); \
        printf("MSC: node %d campaigns in term %d\n", i, n[i].term) \
    }

/* Candidate i asks j for its vote. j adopts a newer term and grants if it
   has not voted for another in the term and i's log is at least as up to
   date (§5.4.1), whatever its own configuration says (a learner may be a
   voter it has not heard of yet); i counts only its own voters' votes. The
   Swift core also drops requests from nodes outside j's membership: a
   subset of these behaviours.                                              */
#define REQUEST_VOTE(i, j) \
    d_step { \
        n[i].role == CANDIDATE && i != j && VOTER(i, j) && n[j].term <= n[i].term && \
        !BIT(n[i].votes, j) -> \
        nt = n[i].term; \
        adopt_term(j); \
        if \
        :: (n[j].voted == NONE || n[j].voted == i) && UP_TO_DATE(i, j) -> \
            n[j].voted = i; \
            n[i].votes = n[i].votes | (1 << j) \
        :: else -> skip \
        fi \
    }

/* §5.2: votes from a majority of the candidate's own voters make it leader;
   it appends a no-op of its term. Election Safety: one leader per term.
   Leader Completeness: it holds every committed entry.                     */
#define BECOME_LEADER(i) \
    d_step { \
        n[i].role == CANDIDATE && n[i].nlog < MAX_LOG -> \
        count_in(n[i].cfg, n[i].votes); \
        size_of(n[i].cfg); \
        if \
        :: 2 * votes_n > tmp -> become_leader(i) \
        :: else -> skip \
        fi \
    }

inline become_leader(i) {
    become_follower(i);
    n[i].role = LEADER;
    printf("MSC: node %d is leader of term %d (voters %d)\n", i, n[i].term, n[i].cfg);
    assert(leaderOf[n[i].term] == NONE);
    leaderOf[n[i].term] = i;
    /* Leader Completeness: every entry committed in an earlier term        */
    k = 0;
    do
    :: k < MAX_LOG ->
        assert(clog[k] == 0 || cterm[k] >= n[i].term || (k < n[i].nlog && n[i].log[k] == clog[k]));
        k++
    :: else -> break
    od;
    n[i].log[n[i].nlog] = ENTRY(n[i].term, 0, 0);
    n[i].nlog++
}

/* The leader proposes "node s joins" (s not a voter) or "node s leaves" (s
   a voter, not the last). Only with no uncommitted conf entry in its log,
   and (unless BROKEN_CONF) once it has committed an entry of its term.    */
#ifdef BROKEN_CONF
#define OWN_TERM_COMMITTED(i)  1
#else
#define OWN_TERM_COMMITTED(i) \
    (n[i].commit > 0 && ETERM(n[i].log[n[i].commit - 1]) == n[i].term)
#endif

inline propose(i, s) {
    n[i].log[n[i].nlog] = ENTRY(n[i].term, 1, n[i].cfg ^ (1 << s));
    n[i].nlog++;
    n[i].pcfg = n[i].cfg;
    n[i].cfg = n[i].cfg ^ (1 << s);
    n[i].cfgidx = n[i].nlog;
    printf("MSC: leader %d proposes voters %d in term %d\n", i, n[i].cfg, n[i].term)
}

/* Leader i sends a voter j of its configuration the entry after the
   longest prefix their logs share (what AppendEntries converges to, one
   entry per step, §5.3). j adopts the term, truncates a conflicting suffix
   and uses the configuration of its new log at once; the leader learns j's
   match. (Learners are not modelled: a node added to the voters catches up
   through this step.)                                                      */
inline replicate(i, j) {
    nt = n[i].term;
    adopt_term(j);
    become_follower(j);
    /* p := longest shared prefix (Log Matching: equal at p means equal
       before p, so compare the entries themselves)                         */
    p = 0;
    do
    :: p < n[i].nlog && p < n[j].nlog && n[i].log[p] == n[j].log[p] -> p++
    :: else -> break
    od;
    if
    :: p < n[i].nlog ->
        /* the entries of j after p conflict: drop them                     */
        k = p;
        do
        :: k < n[j].nlog ->
            n[j].log[k] = 0;
            k++
        :: else -> break
        od;
        n[j].log[p] = n[i].log[p];
        n[j].nlog = p + 1;
        p++;
        recompute_cfg(j)
    :: else -> skip
    fi;
    if
    :: p > n[i].match[j] -> n[i].match[j] = p
    :: else -> skip
    fi
}

inline advance_commit(i) {
    ct = n[i].term;
    c = n[i].nlog;
    p = 0;
    do
    :: p == 0 && c > n[i].commit && ETERM(n[i].log[c - 1]) == n[i].term ->
        votes_n = BIT(n[i].cfg, i);
        k = 0;
        do
        :: k < N ->
            if
            :: k != i && BIT(n[i].cfg, k) && n[i].match[k] >= c -> votes_n++
            :: else -> skip
            fi;
            k++
        :: else -> break
        od;
        size_of(n[i].cfg);
        if
        :: 2 * votes_n > tmp ->
            printf("MSC: leader %d commits through %d in term %d\n", i, c, n[i].term);
            record_commit(i, c);
            p = 1
        :: else -> c--
        fi
    :: else -> break
    od;
    if
    :: !VOTER(i, i) && n[i].cfgidx <= n[i].commit ->
        printf("MSC: leader %d removed itself and steps down\n", i);
        become_follower(i)
    :: else -> skip
    fi
}

#define ALL(A, i) :: A(i, 0) :: A(i, 1) :: A(i, 2) :: A(i, 3) MORE(A, i)
#if N == 5
#define MORE(A, i) :: A(i, 4)
#else
#define MORE(A, i)
#endif

#define DO_REPLICATE(i, j) \
    d_step { \
        n[i].role == LEADER && i != j && VOTER(i, j) && n[j].term <= n[i].term && \
        (n[j].term < n[i].term || n[j].role != FOLLOWER || n[i].match[j] < n[i].nlog) -> \
        replicate(i, j); \
        advance_commit(i) \
    }

#define DO_PROPOSE(i, s) \
    d_step { \
        n[i].role == LEADER && n[i].nlog < MAX_LOG && n[i].cfgidx <= n[i].commit && \
        OWN_TERM_COMMITTED(i) && (n[i].cfg ^ (1 << s)) != 0 -> \
        propose(i, s); \
        advance_commit(i) \
    }

/* A leader may stop at any time (a crash that keeps the persistent state,
   check-quorum). A candidate that gives up needs no step: it is one that
   never acts again, and a newer term or a leader's entry stops it.         */
#define STOP(i) \
    d_step { n[i].role == LEADER -> become_follower(i) }

active [N] proctype node() {
end:            /* a state with nothing left to do within the bounds is fine */
    do
    :: TIMEOUT(_pid)
    ALL(REQUEST_VOTE, _pid)
    :: BECOME_LEADER(_pid)
    ALL(DO_REPLICATE, _pid)
    ALL(DO_PROPOSE, _pid)
    :: STOP(_pid)
    od;
    skip    /* a break must not leave the d_step */
}

#ifdef REACH_CHANGE
/* Refuted when two membership changes commit one after the other.          */
active proctype reach() {
end:
    atomic { changes >= 2 -> assert(false) }
}
#endif
