"""Prints an OWASP pytm (1.4.0) model of N units, the same model `gen_model --units N` gives
threatflow: an Internet boundary with the actor User, a Cloud boundary, one VPC boundary per
ten units inside Cloud, one sensitive data item PII; per unit i a Lambda fn<i> in its VPC, a
datastore db<i> in Cloud (encrypted when i is even), a flow User -> fn<i> "req<i>" over HTTPS
and a flow fn<i> -> db<i> "write<i>", both carrying PII.
Usage: python pytm_model.py N > tm.py && python tm.py --json out.json"""
import sys

units = int(sys.argv[1])
lines = [
    "from pytm import TM, Actor, Boundary, Classification, Data, Dataflow, Datastore, Lambda",
    "tm = TM('bench')",
    "tm.description = 'synthetic'",
    "tm.isOrdered = True",
    "internet = Boundary('Internet')",
    "cloud = Boundary('Cloud')",
    "user = Actor('User')",
    "user.inBoundary = internet",
    "pii = Data('PII', classification=Classification.SENSITIVE)",
]
for i in range(units):
    vpc = f"vpc{i // 10}"
    if i % 10 == 0:
        lines += [f"{vpc} = Boundary('VPC{i // 10}')", f"{vpc}.inBoundary = cloud"]
    lines += [
        f"fn{i} = Lambda('fn{i}')",
        f"fn{i}.inBoundary = {vpc}",
        f"db{i} = Datastore('db{i}')",
        f"db{i}.inBoundary = cloud",
        f"db{i}.controls.isEncrypted = {i % 2 == 0}",
        f"req{i} = Dataflow(user, fn{i}, 'req{i}')",
        f"req{i}.protocol = 'HTTPS'",
        f"req{i}.data = pii",
        f"write{i} = Dataflow(fn{i}, db{i}, 'write{i}')",
        f"write{i}.data = pii",
    ]
lines.append("tm.process()")
print("\n".join(lines))
