"""The rare-disease suite: 15 real medical tables at 5.5% to 27% positive, 215 to 15,223 rows,
each downloaded on first use from a public copy pinned to one commit, verified by SHA-256,
prepared as documented (docs/datasets.md gives each table's source, target, drops and why)
and cached in the data home.

Drops leave out identifiers and what is recorded after the time of prediction: other
outcomes, follow-up measures, lab turnaround times. The targets are the canonical ones.
"""

from __future__ import annotations

from augbench_plugins.remote_tables import (
    Table,
    final_newline,
    github,
    header_codes,
    replacing_header,
    then,
    whitespace_to_commas,
    with_header,
    without_rows,
)

import augbench

RDATASETS = ("vincentarelbundock/Rdatasets", "1dcc2bf5f955cc1224a3e1307256e1fe86b68dae")
UCI_LICENCE = "CC BY 4.0"
MEDICALDATA = "MIT (the R package medicaldata)"


def _rdatasets(path: str, name: str, sha256: str):
    return github(*RDATASETS, path, name, sha256)


TABLES = (
    Table("thoracic-surgery", "Death within a year of lung-cancer surgery (UCI thoracic "
          "surgery): 470 rows, 14.9% positive.",
          github("rudibakaal/Post-op-Lung-Cancer-Surgery-Mortality-Predictor",
                 "4729d39b3644e7c28fbf327d4fefa5a5baf0bea1", "ThoraricSurgery.csv",
                 "thoracic_surgery.csv",
                 "7b43427dbaf310e39593dd1c459949017ce20d809db2130a20bba82d80e09105"),
          target="Risk1Yr", positive="T",
          # The body of the UCI ARFF, space-separated: its attribute names become the header.
          convert=then(whitespace_to_commas, with_header(
              "DGN", "PRE4", "PRE5", "PRE6", "PRE7", "PRE8", "PRE9", "PRE10", "PRE11", "PRE14",
              "PRE17", "PRE19", "PRE25", "PRE30", "PRE32", "AGE", "Risk1Yr")),
          prepared="cee3e49b2b5400285650f7c3c29265c5d8ece07967806c953c78284460695795",
          licence=UCI_LICENCE, citation="Zięba M. et al. (2013), UCI Machine Learning "
          "Repository #277, Thoracic Surgery Data",
          url="https://archive.ics.uci.edu/dataset/277/thoracic+surgery+data"),
    Table("mi-complications", "Any lethal outcome after an acute myocardial infarction, from "
          "what is known at admission (UCI): 1,700 rows, 15.9% positive.",
          github("EgorDudyrev/PeaViner", "909414e00ee38ad1756c2c15e746fb91aa6fddb2",
                 "data/Myocardial_infarction_complications.csv", "mi_complications.csv",
                 "c1f86f6cce17c40abda76d8bfb200a54312fd93e4ed5ec40d09267e0d8f9a63b"),
          target="LET_IS", positive="1,2,3,4,5,6,7",
          # The identifier, the other eleven outcomes, and the nine columns recorded after
          # admission: the data set's own rule for predicting at admission.
          drop="ID,FIBR_PREDS,PREDS_TAH,JELUD_TAH,FIBR_JELUD,A_V_BLOK,OTEK_LANC,RAZRIV,"
               "DRESSLER,ZSN,REC_IM,P_IM_STEN,R_AB_1_n,R_AB_2_n,R_AB_3_n,NA_R_1_n,NA_R_2_n,"
               "NA_R_3_n,NOT_NA_1_n,NOT_NA_2_n,NOT_NA_3_n",
          convert=header_codes,
          prepared="571213299a775c990ac1265b1dca3a5fe3ef1903a471b28aadf7ddedc6e18261",
          licence=UCI_LICENCE, citation="Golovenkin S. E., Gorban A. N. et al. (2020), "
          "Myocardial infarction complications, UCI Machine Learning Repository #579",
          url="https://archive.ics.uci.edu/dataset/579/myocardial+infarction+complications"),
    Table("new-thyroid", "Hyperthyroidism from five blood tests (UCI new-thyroid): 215 rows, "
          "16.3% positive.",
          github("jbrownlee/Datasets", "d20fcb6402ae34e653d4513b00f39257bb37ed7f",
                 "new-thyroid.csv", "new_thyroid.csv",
                 "b1e244cdb7764210cfbf2888c47a4a558c36acd3c5e25452c0255c09c0b2c0a0"),
          target="class", positive="2",
          convert=then(final_newline, with_header("T3_resin", "T4_total", "T3_total",
                                                  "TSH_basal", "TSH_diff", "class")),
          prepared="dbd4f6d6b0727ae528684312df1e8ad2d574388f9c99249c1107a24d8528059a",
          licence=UCI_LICENCE, citation="Quinlan R. (1986), Thyroid Disease, UCI Machine "
          "Learning Repository #102",
          url="https://archive.ics.uci.edu/dataset/102/thyroid+disease"),
    Table("dermatology", "Pityriasis rubra pilaris among six skin diseases (UCI "
          "dermatology): 366 rows, 20 patients (5.5%).",
          github("Kyle-t-Schmidt/Dermatology", "2ed3aaae1e6cd60fb4e719941f661ff9b35c4c54",
                 "dermatology.data", "dermatology.data",
                 "b2f7e7b439649ffa86d3bbc2c344758085a5f5bf4a9ffc68278c57d7695aadd1"),
          target="Classification", positive="6", licence=UCI_LICENCE,
          citation="Ilter N., Guvenir H. (1998), Dermatology, UCI Machine Learning Repository "
          "#33", url="https://archive.ics.uci.edu/dataset/33/dermatology"),
    Table("arrhythmia", "Ischaemic changes (coronary artery disease) from a 12-lead ECG (UCI "
          "arrhythmia): 452 rows, 9.7% positive, 279 columns.",
          github("naufalzaid17/dataset_arrhythmia", "7286141d5fd3997a347bdf3c992925047e667b2b",
                 "arrhythmia.data", "arrhythmia.data",
                 "7bc2f0f877ce210d5794ec426d0604ec72b11ee9d575386f5c3a56d50531a2e1"),
          target="class", positive="2", licence=UCI_LICENCE,
          citation="Guvenir H., Acar B., Muderrisoglu H., Quinlan R. (1997), Arrhythmia, UCI "
          "Machine Learning Repository #5",
          url="https://archive.ics.uci.edu/dataset/5/arrhythmia"),
    Table("vertebral-column", "Disc hernia among three orthopaedic classes (UCI vertebral "
          "column): 310 rows, 19.4% positive.",
          github("tarekhemdan/orthopedic", "7e4552d8cb6345fdf0f0e3464a4199466f7757c1",
                 "column_3C_weka.csv", "vertebral_column_3c.csv",
                 "fb68546bae0ea1ab520dee243c63f847978d4ee94b2b5ec4c47feb3732418b44"),
          target="status", positive="Hernia", licence=UCI_LICENCE,
          citation="Barreto G., Neto A. (2005), Vertebral Column, UCI Machine Learning "
          "Repository #212",
          url="https://archive.ics.uci.edu/dataset/212/vertebral+column"),
    Table("aids-actg175", "An event (CD4 decline, AIDS or death) in the ACTG 175 HIV trial, "
          "from baseline measures: 2,139 rows, 24.4% positive.",
          github("therbootcamp/BaselRBootcamp2017", "087916a4bbe953e7bc3000bf0457445e36907a09",
                 "data/ACTG175.csv", "aids_actg175.csv",
                 "44bb0216630998c1545c6621278babe95a41dbfd3cbf65426260568f27e5e200"),
          target="cens", positive="1",
          # Identifiers, the follow-up time, later CD4/CD8 counts and what follows treatment.
          drop="rownames,pidnum,days,cd420,cd496,r,cd820,offtrt,zprior",
          # R's write.csv leaves the row names unnamed and the last column without a name.
          convert=replacing_header(
              "rownames", "pidnum", "age", "wtkg", "hemo", "homo", "drugs", "karnof", "oprior",
              "z30", "zprior", "preanti", "race", "gender", "str2", "strat", "symptom", "treat",
              "offtrt", "cd40", "cd420", "cd496", "r", "cd80", "cd820", "cens", "days", "arms"),
          prepared="e26f5268531eee7a1a7eefb065af6c6afff174d900a26245c4476eb825998fdb",
          licence=UCI_LICENCE, citation="Hammer S. M. et al. (1996), N Engl J Med 335:1081; "
          "AIDS Clinical Trials Group Study 175, UCI Machine Learning Repository #890",
          url="https://archive.ics.uci.edu/dataset/890/aids+clinical+trials+group+study+175"),
    Table("support2", "In-hospital death of seriously ill adults (SUPPORT2): 9,105 rows, "
          "25.9% positive.",
          github("anishkapeter/ML1Project1", "e4cc6fdb9a99d6e9f3ebad99079c343fafbb89ca",
                 "support2.csv", "support2.csv",
                 "a4fa927610c31981bf2e0c050bd6479fee11481a93645f1374c8505b83d8ab8e"),
          target="hospdead", positive="1",
          # Identifiers, other outcomes, costs and the model's own prognoses.
          drop="id,death,slos,d.time,sfdm2,charges,totcst,totmcst,surv2m,surv6m,prg2m,prg6m,"
               "dnr,dnrday,avtisst",
          licence=UCI_LICENCE, citation="Knaus W. A. et al. (1995), Ann Intern Med 122:191; "
          "SUPPORT2, UCI Machine Learning Repository #880",
          url="https://archive.ics.uci.edu/dataset/880/support2"),
    Table("indo-rct", "Post-ERCP pancreatitis in the indomethacin trial (medicaldata): 602 "
          "rows, 13.1% positive.",
          _rdatasets("csv/medicaldata/indo_rct.csv", "indo_rct.csv",
                     "f9df4fc224dbd40e69508ca0003f2ec96545a84d444f2bef4c94b31534423fad"),
          target="outcome", positive="1_yes", drop="rownames,id,bleed", licence=MEDICALDATA,
          citation="Elmunzer B. J. et al. (2012), N Engl J Med 366:1414; R package "
          "medicaldata, indo_rct",
          url="https://cran.r-project.org/package=medicaldata"),
    Table("blood-storage", "Biochemical recurrence of prostate cancer after surgery "
          "(medicaldata blood_storage): 316 rows, 17.1% positive.",
          _rdatasets("csv/medicaldata/blood_storage.csv", "blood_storage.csv",
                     "1c8573dfa3f3687023bbb83691a031e593a0103f2969cd309b6555e76dd36f0f"),
          target="Recurrence", positive="1",
          # Censoring, the time to recurrence, and adjuvant therapy (timing undocumented).
          drop="rownames,Censor,TimeToRecurrence,AnyAdjTherapy,AdjRadTherapy",
          licence=MEDICALDATA, citation="Cata J. P. et al. (2011), Mayo Clin Proc 86:120; R "
          "package medicaldata, blood_storage",
          url="https://cran.r-project.org/package=medicaldata"),
    Table("covid-testing", "A positive SARS-CoV-2 test at CHOP in 2020 (medicaldata "
          "covid_testing, invalid results left out): 15,223 rows, 5.7% positive.",
          _rdatasets("csv/medicaldata/covid_testing.csv", "covid_testing_chop.csv",
                     "fc7d7c522749144b2c15c126658401cf653e78d55641b9013ec8f12936303752"),
          target="result", positive="positive",
          # Identifiers, generated names, a near-constant id, the cycle threshold (it leaks the
          # result) and the lab's turnaround times.
          drop="rownames,subject_id,fake_first_name,fake_last_name,test_id,ct_result,"
               "col_rec_tat,rec_ver_tat",
          convert=without_rows("result", "invalid"),
          prepared="7f59eb06d783330fe10936c0ff87fb77318e8352b6e014f77533a3c75e3b3033",
          licence=MEDICALDATA, citation="Children's Hospital of Philadelphia (2020), "
          "de-identified; R package medicaldata, covid_testing",
          url="https://cran.r-project.org/package=medicaldata"),
    Table("nhefs", "Death by 1992 in the NHANES I epidemiologic follow-up, from the 1971 "
          "examination (causaldata nhefs): 1,629 rows, 19.5% positive.",
          _rdatasets("csv/causaldata/nhefs.csv", "nhefs.csv",
                     "c28e1a9c337de4ac0a1dd31468e445b19ff4e73efc99bc030ff574cc3afcd739"),
          target="death", positive="1",
          # Identifiers, the date of death, and what was measured in 1982.
          drop="rownames,seqn,id,censored,yrdth,modth,dadth,qsmk,sbp,dbp,wt82,wt82_71,"
               "smkintensity82_71,hightax82,price82,tax82,price71_82,tax71_82",
          licence="MIT (the R package causaldata; unverified)", citation="Hernán M. A., Robins "
          "J. M. (2020), Causal Inference: What If; CDC NHEFS; R package causaldata, nhefs",
          url="https://cran.r-project.org/package=causaldata"),
    Table("alzheimers-csf", "Cognitive impairment from cerebrospinal-fluid proteins (modeldata "
          "ad_data): 333 rows, 27.3% positive, 130 columns.",
          _rdatasets("csv/modeldata/ad_data.csv", "ad_data.csv",
                     "3ab7fa44270561478bfbfd924cb502d50faf81563325d360d828680e208a39f0"),
          target="Class", positive="Impaired", drop="rownames",
          licence="MIT (the R package modeldata)", citation="Craig-Schapiro R. et al. (2011), "
          "PLoS ONE 6:e18850; R package modeldata, ad_data",
          url="https://cran.r-project.org/package=modeldata"),
    Table("wilms-relapse", "Relapse of Wilms tumour in the National Wilms Tumor Study "
          "(survival nwtco): 4,028 rows, 14.2% positive.",
          _rdatasets("csv/survival/nwtco.csv", "nwtco.csv",
                     "2484933ed730f05f73fbce6af476a205fb29fef1b7ad75cd966a1a835161fa7a"),
          target="rel", positive="1", drop="rownames,seqno,edrel,in.subcohort",
          licence="LGPL (the R package survival; unverified)", citation="Breslow N. E., "
          "Chatterjee N. (1999), Appl Stat 48:457; R package survival, nwtco",
          url="https://cran.r-project.org/package=survival"),
    Table("mgus-progression", "Progression of monoclonal gammopathy to a plasma-cell "
          "malignancy (survival mgus2): 1,384 rows, 8.3% positive.",
          _rdatasets("csv/survival/mgus2.csv", "mgus2.csv",
                     "5138ec8d8477f031f60e475c11b4fa6b048b1544682afb4fb675af74a5551567"),
          target="pstat", positive="1", drop="rownames,id,ptime,futime,death",
          licence="LGPL (the R package survival; unverified)", citation="Kyle R. A. et al. "
          "(2002), N Engl J Med 346:564; R package survival, mgus2",
          url="https://cran.r-project.org/package=survival"),
)


@augbench.hookimpl
def augbench_datasets() -> dict:
    return {table.name: table.factory() for table in TABLES}


@augbench.hookimpl
def augbench_suites() -> dict:
    return {"rare-disease": augbench.Suite(
        tuple(table.name for table in TABLES), version="1",
        description="15 real medical tables, 5.5% to 27% positive, 215 to 15,223 rows, "
                    "downloaded on first use")}
