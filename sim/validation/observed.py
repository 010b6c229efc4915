"""Observed Dutch figures the model is compared with (each with its source)."""

from __future__ import annotations

OBSERVED = {
    "starts_drop": {
        "value": 0.70,
        "what": "fall in new homes granted a building permit, 2008 → 2013 (owner-occupied: −76 %)",
        "source": "CBS via marketupdate.nl (2014-01, 'Historisch laag aantal bouwvergunningen in 2013': ruim "
                  "26.000 in 2013, −70 % since 2008) and CBS 2009 (87.000 permits in 2008)",
    },
    "recovery_year": {
        "value": 2017,
        "what": "first year permits were back near pre-crisis levels (≈ 68,000/yr in 2017-2020 vs ≈ 80,000/yr "
                "in 2000-2008, i.e. ≥ 80 %)",
        "source": "CBS via BNNVARA/Joop (2024-02) and Reformatorisch Dagblad (2019-05)",
    },
    "municipal_loss_share": {
        "value": 0.30,
        "low": 0.26,
        "high": 0.34,
        "what": "municipal land-development losses 2008-2011 (€3.9-4.4 bn Deloitte; €5.7 bn Fakton incl. PPS) as a "
                "share of land investment (losses + €11 bn land positions still on the books in 2013)",
        "source": "gebiedsontwikkeling.nu (2013-01-02/03: Fakton €5.7 bn, Deloitte €3.9-4.4 bn); De Groene "
                  "Amsterdammer (2014-03-12: Deloitte, €11 bn positions, €4-6 bn losses 2010-2012)",
    },
    "write_down_timing": {
        "value": "most in 2009-2013",
        "what": "municipal write-downs on land-development accounts reported for 2008-2011 (Deloitte) and "
                "2010-2012 (Deloitte via De Groene), after the accounts of 2005-2007",
        "source": "gebiedsontwikkeling.nu (2013-01-02/03: Fakton €5.7 bn, Deloitte €3.9-4.4 bn); De Groene "
                  "Amsterdammer (2014-03-12: Deloitte, €4-6 bn losses 2010-2012)",
    },
    "sales_trough": {
        "value": 13500,
        "what": "new-build homes sold in 2013 (the trough); ≈ 16,800 in 2009 and ≈ 35,000 expected for 2018",
        "source": "NEPROM via hogenboomadvies.nl (2014); NVB via BNNVARA Kassa (2010-03-25); NVB marktcijfers (2018)",
    },
    "jv_retreat": {
        "value": "qualitative",
        "what": "after 2008 municipalities moved away from joint ventures towards facilitating approaches; many "
                "PPS land companies were restructured or dissolved",
        "source": "sources.md#omgevingsweb-coop, #cobouw-2012, #pps-dissolutions",
    },
    "build_out_years": {
        "value": 12.5,
        "low": 10,
        "high": 15,
        "what": "typical build-out of a large inner-city area (Sluisbuurt: 10-15 years; M4H: ≥ 10 years)",
        "source": "sources.md#sluisbuurt, #m4h",
    },
}
