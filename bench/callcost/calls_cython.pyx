# cython: language_level=3, subinterpreters_compatible=own_gil
# The call-overhead probes in Cython 3 (a peer in bench/callcost.py).

def noargs():
    pass

def onearg(x):
    return x

def add(long long a, long long b):
    return a + b

def list_sum(list l):
    cdef long long total = 0
    for x in l:
        total += <long long>x
    return total
