"""The NAVER Commerce API: token auth, the dispatch and order-lookup calls, pacing and retry policy."""
