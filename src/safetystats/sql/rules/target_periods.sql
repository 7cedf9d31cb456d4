-- The calendar periods of each kind in $pers overlapping [W, last] (W: the window start), each
-- cut to [W, D]: p_from = max(period start, W), p_end = min(period end, D). A period has ended
-- at E when p_end <= E; at E = D every period has (DATA_SPEC 6.1, the period rule).
CREATE OR REPLACE MACRO target_periods(pers, window_start, deadline, last_day) AS TABLE
    SELECT k.per, greatest(s.start::DATE, window_start::DATE) AS p_from,
           least((s.start + period_length(k.per))::DATE - 1, deadline::DATE) AS p_end
    FROM (SELECT unnest(pers) AS per) k
    CROSS JOIN LATERAL (
        SELECT unnest(generate_series(period_start(window_start::DATE, k.per)::TIMESTAMP,
                                      least(last_day, deadline)::TIMESTAMP, period_length(k.per))) AS start
    ) s
    WHERE last_day >= window_start;
