extension MaskingSettings {
    /// Checks every setting and its combinations.
    ///
    /// Rates must lie in (0, 1); the replacement probabilities in [0, 1], summing to 1 within 1e-9;
    /// `spanP` in (0, 1]; 1 ≤ `spanMin` ≤ `spanMax` ≤ ``maximumSpanWords``; `maxPredictions` ≥ 1;
    /// `--budget electra` needs the token strategy and equal rates; `--budget google` a unit walk (not spans).
    /// - Throws: A ``MaskingError`` with code `invalidSetting` whose one-line message names the flag,
    ///   e.g. "--rate must be in (0, 1), got 1.5".
    public func validate() throws(MaskingError) {
        if predictRate == corruptRate || (predictRate.isNaN && corruptRate.isNaN) {
            try Self.checkRate(predictRate, flag: "--rate")
        } else {
            try Self.checkRate(predictRate, flag: "--predict-rate")
            try Self.checkRate(corruptRate, flag: "--corrupt-rate")
        }
        for value in [replace.mask, replace.random, replace.keep] where !(value >= 0 && value <= 1) {
            throw MaskingError(.invalidSetting, "--replace values must be in [0, 1], got \(Self.format(value))")
        }
        let sum = replace.mask + replace.random + replace.keep
        if !(abs(sum - 1) <= 1e-9) {
            let parts = [replace.mask, replace.random, replace.keep].map(Self.format).joined(separator: "+")
            throw MaskingError(.invalidSetting, "--replace must sum to 1 (got \(parts)=\(Self.format(sum)))")
        }
        if strategy == .span {
            if !(spanP > 0 && spanP <= 1) {
                throw MaskingError(.invalidSetting, "--span-p must be in (0, 1], got \(Self.format(spanP))")
            }
            if spanMin < 1 { throw MaskingError(.invalidSetting, "--span-min must be at least 1, got \(spanMin)") }
            if spanMin > spanMax {
                throw MaskingError(.invalidSetting, "--span-min (\(spanMin)) must not exceed --span-max (\(spanMax))")
            }
            if spanMax > Self.maximumSpanWords {
                throw MaskingError(
                    .invalidSetting,
                    "--span-max must be at most \(Self.maximumSpanWords), got \(spanMax)"
                )
            }
        }
        if let maxPredictions, maxPredictions < 1 {
            throw MaskingError(.invalidSetting, "--max-predictions must be at least 1, got \(maxPredictions)")
        }
        if budget == .google, strategy == .span {
            throw MaskingError(.invalidSetting, "--budget google needs --strategy token, word or pmi, got span")
        }
        if withReplacement {
            if strategy != .token {
                throw MaskingError(
                    .invalidSetting,
                    "--budget electra needs --strategy token, got \(strategy.rawValue)"
                )
            }
            if predictRate != corruptRate {
                throw MaskingError(.invalidSetting, "--budget electra needs --predict-rate equal to --corrupt-rate")
            }
        }
    }

    private static func checkRate(_ rate: Double, flag: String) throws(MaskingError) {
        if !(rate > 0 && rate < 1) {
            throw MaskingError(.invalidSetting, "\(flag) must be in (0, 1), got \(format(rate))")
        }
    }

    /// Prints a number rounded to 9 decimals, so 0.8+0.1+0.2 shows as 1.1.
    static func format(_ value: Double) -> String {
        guard value.isFinite else { return "\(value)" }
        let rounded = (value * 1e9).rounded() / 1e9
        if rounded == rounded.rounded(), abs(rounded) < 1e15 { return "\(Int(rounded))" }
        return "\(rounded)"
    }
}
