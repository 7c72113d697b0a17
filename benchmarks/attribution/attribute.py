#!/usr/bin/env python3
"""Where a call's instructions go, method by method, under callgrind (a diagnostic, not a goal).

Reads one callgrind dump of the calling thread (made with --dump-instr=yes, so costs are per
instruction address) and the JVM's own listing of the compiled methods that ran
(-XX:CompileCommand=print,...; no disassembler plugin is needed, the listing's addresses and debug
scopes are enough). With -XX:+DebugNonSafepoints, HotSpot records for most instructions the chain
of inlined methods it came from; an address is charged to the first recorded scope at or after it
(a scope is recorded at the end of the instructions it covers).

    attribute.py DUMP JVM_LOG CALLS [TOP]

DUMP: a callgrind dump file (e.g. cg.out.4-02: window 4, thread 2); JVM_LOG: the JVM's standard
output with the printed methods; CALLS: how many calls the window made. Prints instructions per
call: Lifeline's own (the first non-JDK method of an address's chain is Lifeline's), by that method
and by its call chain, and every address's first non-JDK method, for a comparison of two runs.
"""
import bisect
import collections
import re
import sys


def costs(dump):
    """Instructions per address (self cost: a call's inclusive line is skipped)."""
    per_address = collections.Counter()
    columns = 1
    pos = 0
    skip_next = False
    for line in open(dump, errors='replace'):
        if line.startswith('positions:'):
            columns = len(line.split()) - 1
            continue
        if line.startswith('calls='):
            skip_next = True
            continue
        if not line or not (line[0] in '+-*' or line[0].isdigit() or line.startswith('0x')):
            continue
        parts = line.split()
        token = parts[0]
        if token.startswith('0x'):
            pos = int(token, 16)
        elif token[0] in '+-':
            step = int(token[1:], 16) if token[1:].startswith('0x') else int(token[1:])
            pos += step if token[0] == '+' else -step
        elif token != '*':
            pos = int(token)
        if skip_next:
            skip_next = False
            continue
        if len(parts) > columns:
            per_address[pos] += int(parts[columns])
    return per_address


def scopes(log):
    """Recorded debug scopes (pc -> inlining chain, innermost first) and the ranges of printed code."""
    address = re.compile(r'^\s*0x([0-9a-f]{8,16}):\s*(.*)$')
    scope = re.compile(r';\s+-\s+(\S+)::(\S+)@(-?\d+)')
    pcs = {}
    code = []
    current = None
    for line in open(log, errors='replace'):
        m = address.match(line)
        if m:
            at, rest = int(m.group(1), 16), m.group(2)
            if rest.startswith(';'):
                current = at
                s = scope.search(rest)
                if s:
                    pcs.setdefault(at, []).append((s.group(1), s.group(2)))
            else:
                current = None
                code.append((at, at + len(re.findall(r'[0-9a-f]{2}', rest.split(';')[0]))))
            continue
        if current is not None and line.lstrip().startswith(';'):
            s = scope.search(line)
            if s:
                pcs.setdefault(current, []).append((s.group(1), s.group(2)))
    code.sort()
    return pcs, code


def lifeline(cls):
    return cls.startswith('dev.lifeline.') and not cls.startswith('dev.lifeline.bench.') or '$$Lifeline' in cls


def first_non_jdk(chain):
    for frame in chain:
        if not frame[0].startswith(('java.', 'jdk.', 'sun.')):
            return frame
    return chain[-1]


def short(frame):
    return frame[0].split('.')[-1] + '::' + frame[1]


def main():
    dump, log, calls = sys.argv[1], sys.argv[2], int(sys.argv[3])
    top = int(sys.argv[4]) if len(sys.argv) > 4 else 25
    per_address = costs(dump)
    pcs, code = scopes(log)
    keys = sorted(pcs)
    starts = [c[0] for c in code]
    own, chains, methods = collections.Counter(), collections.Counter(), collections.Counter()
    total = sum(per_address.values())
    covered = 0
    for at, n in per_address.items():
        i = bisect.bisect_right(starts, at) - 1
        if i < 0 or at >= code[i][1]:
            continue
        k = bisect.bisect_left(keys, at + 1)
        if k >= len(keys):
            continue
        chain = pcs[keys[k]]
        covered += n
        frame = first_non_jdk(chain)
        methods[short(frame)] += n
        if lifeline(frame[0]):
            own[short(frame)] += n
            chains[' < '.join(short(f) for f in chain[:4])] += n
    print('instructions per call: %.0f in all, %.0f in the printed methods, %.0f Lifeline\'s own'
          % (total / calls, covered / calls, sum(own.values()) / calls))
    print('\nLifeline\'s own, by method:')
    for name, n in own.most_common(top):
        print('%8.1f  %s' % (n / calls, name))
    print('\nLifeline\'s own, by call chain (innermost first):')
    for name, n in chains.most_common(top):
        print('%8.1f  %s' % (n / calls, name))
    print('\nEvery printed address, by its first non-JDK method:')
    for name, n in methods.most_common(top):
        print('%8.1f  %s' % (n / calls, name))


if __name__ == '__main__':
    main()
